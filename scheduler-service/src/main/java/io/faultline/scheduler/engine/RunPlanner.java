package io.faultline.scheduler.engine;

import io.faultline.events.catalogue.FaultCatalogue;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.AwsRegion;
import io.faultline.events.ids.ExperimentId;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.FaultType;
import io.faultline.events.ids.RunId;
import io.faultline.events.ids.TenantId;
import io.faultline.events.request.FaultRequested;
import io.faultline.scheduler.state.Experiment;
import io.faultline.scheduler.state.Run;
import io.faultline.scheduler.state.RunFault;
import io.faultline.scheduler.state.RunStatus;
import io.faultline.scheduler.state.RunWave;
import io.faultline.scheduler.state.Schedule;
import io.faultline.scheduler.state.SchedulerCommand;
import io.faultline.scheduler.state.Wave;
import io.faultline.scheduler.state.WaveStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plans a run of an experiment: its waves with their effective tunables and one fault per target
 * and wave, and the request each planned fault becomes when its wave starts. Pure: the same inputs
 * give the same run and requests, so a re-processed fire yields the same fault ids.
 */
final class RunPlanner {
  static final String PLANNED = "PLANNED";

  /** The wave of an experiment that declares none: every target at once, for real. */
  static final Wave ALL_AT_ONCE = new Wave("all", false, Map.of());

  private static final int MAX_REASON = 500;

  private RunPlanner() {}

  /**
   * Who started a run and how.
   *
   * @param scheduleId the schedule that fired it, or null for "run now"
   * @param fireTime the schedule's fire time, or null
   * @param traceparent the trace the run's requests continue; null for a scheduled run
   */
  record Origin(
      String scheduleId,
      Instant fireTime,
      String requestedBy,
      String commandId,
      String traceparent) {
    static Origin runNow(SchedulerCommand c) {
      return new Origin(null, null, c.issuedBy(), c.commandId(), c.traceparent());
    }

    static Origin scheduled(Schedule s, Instant fireTime) {
      return new Origin(s.scheduleId(), fireTime, EngineProcessor.SCHEDULER, s.commandId(), null);
    }
  }

  /**
   * A new run, RUNNING with every wave PENDING and every fault PLANNED; nothing is requested yet.
   *
   * @throws RuntimeException when a wave's tunables are refused by the fault catalogue
   */
  static Run plan(Experiment e, String runId, Origin origin, Instant now) {
    List<Wave> waves = e.waves().isEmpty() ? List.of(ALL_AT_ONCE) : e.waves();
    List<RunWave> runWaves = new ArrayList<>();
    List<RunFault> faults = new ArrayList<>();
    for (int i = 0; i < waves.size(); i++) {
      Wave w = waves.get(i);
      Map<String, String> merged = new LinkedHashMap<>(e.parameters());
      merged.putAll(w.parameters());
      // Validated here, before anything is requested: a refused wave never starts a run.
      Map<String, String> canonical =
          FaultCatalogue.standard().validate(FaultType.of(e.faultType()), merged).asMap();
      List<String> ids = new ArrayList<>();
      for (int t = 0; t < e.targets().size(); t++) {
        String faultId = faultId(runId, i, t);
        ids.add(faultId);
        faults.add(
            new RunFault(
                faultId,
                i,
                e.targets().get(t).accountId(),
                e.targets().get(t).region(),
                PLANNED,
                0,
                null,
                null,
                List.of()));
      }
      int bake = w.bakeSeconds() == null ? e.bakeSeconds() : w.bakeSeconds();
      runWaves.add(
          new RunWave(
              i, w.name(), w.dryRun(), canonical, ids, WaveStatus.PENDING, null, null, bake));
    }
    return new Run(
            e.tenantId(),
            runId,
            e.experimentId(),
            e.name(),
            e.faultType(),
            origin.scheduleId(),
            origin.fireTime(),
            origin.requestedBy(),
            RunStatus.RUNNING,
            0,
            runWaves,
            faults,
            List.of(),
            null,
            now,
            null,
            origin.commandId(),
            origin.traceparent())
        .withHypothesis(e.hypothesis());
  }

  /** Deterministic from (run, wave, target): the policy service's idempotency key. */
  static String faultId(String runId, int wave, int target) {
    return runId + ".w" + wave + ".t" + target;
  }

  /** The faults a wave requests, in the run's order. */
  static List<RunFault> faultsOf(Run run, int wave) {
    return run.faults().stream().filter(f -> f.wave() == wave).toList();
  }

  /**
   * The request one planned fault becomes when its wave starts.
   *
   * @param experiment the experiment as it is now, for its name; null when it is gone
   */
  static FaultRequested request(Run run, RunFault f, Experiment experiment, Instant now) {
    RunWave wave = run.waves().get(f.wave());
    return FaultRequested.of(
        FaultId.of(f.faultId()),
        TenantId.of(run.tenantId()),
        ExperimentId.of(run.experimentId()),
        RunId.of(run.runId()),
        FaultType.of(run.faultType()),
        AccountId.of(f.accountId()),
        AwsRegion.of(f.region()),
        wave.parameters(),
        wave.dryRun(),
        run.requestedBy(),
        now,
        reason(run, experiment, f.wave()));
  }

  private static String reason(Run run, Experiment experiment, int index) {
    String text =
        (experiment == null ? run.experimentName() : experiment.name())
            + " · wave "
            + (index + 1)
            + "/"
            + run.waves().size()
            + " ("
            + run.waves().get(index).name()
            + ")";
    return text.length() > MAX_REASON ? text.substring(0, MAX_REASON) : text;
  }
}
