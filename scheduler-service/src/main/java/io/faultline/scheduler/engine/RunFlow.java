package io.faultline.scheduler.engine;

import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.probe.RunEvent;
import io.faultline.scheduler.state.Experiment;
import io.faultline.scheduler.state.Keys;
import io.faultline.scheduler.state.Run;
import io.faultline.scheduler.state.RunStatus;
import io.faultline.scheduler.state.SchedulerCommand;
import io.faultline.scheduler.state.TenantState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves runs along: their start, their faults' lifecycle events, their run events (steady state,
 * bake, breaches, final check) and operators' aborts. It applies what {@link RunPlanner}, {@link
 * RunProgress} and {@link RunGates} decide to the {@link EngineStores}, and has {@link Dispatch}
 * publish the requests, controls, watches and verdicts that follow — all in the engine's
 * transaction.
 */
final class RunFlow {
  // The engine's logger name, as before the split: operators' log filters keep matching.
  private static final Logger log = LoggerFactory.getLogger(EngineProcessor.class);

  private final Clock clock;
  private final EngineStores stores;
  private final Dispatch dispatch;
  private final AbortTombstones aborts;
  private final PublishTelemetry telemetry;

  RunFlow(
      Clock clock,
      EngineStores stores,
      Dispatch dispatch,
      AbortTombstones aborts,
      PublishTelemetry telemetry) {
    this.clock = clock;
    this.stores = stores;
    this.dispatch = dispatch;
    this.aborts = aborts;
    this.telemetry = telemetry;
  }

  /**
   * Starts a run of an experiment (once per run id): its first wave, or its steady-state check
   * first when the experiment has steady-state probes.
   *
   * @throws RuntimeException when a wave's tunables are refused by the fault catalogue
   */
  void start(Experiment e, String runId, RunPlanner.Origin origin) {
    String key = Keys.of(e.tenantId(), runId);
    if (stores.hasRun(key)) {
      log.info("run {} already exists; duplicate start ignored", key);
      return;
    }
    Instant now = clock.instant();
    Run planned = RunPlanner.plan(e, runId, origin, now);
    apply(null, RunGates.start(planned, e, accounts(e.tenantId()), now));
  }

  /** A lifecycle event of one of the run's faults. */
  void lifecycle(Run before, FaultLifecycleEvent e, long offset, String traceparent) {
    Instant now = clock.instant();
    RunProgress.Step step = RunProgress.apply(before, e, now);
    if (step.outcome() == RunProgress.Outcome.IGNORED) {
      return;
    }
    stores.putTimeline(before.key(), offset, RunProgress.timelineEntry(e));
    Run run = step.run();
    switch (step.outcome()) {
      case STOPPED -> {
        // The wave's other faults must not keep running once the run has stopped.
        dispatch.runStopped(run, traceparent, run.endedAt());
        aborts.runAborted(run, run.endedAt());
        log.info("run {} stopped: {}", run.runId(), run.stopReason());
        apply(before, RunGates.stopped(run));
      }
      case RUN_COMPLETED -> {
        log.info("run {} completed", run.runId());
        apply(before, RunGates.completed(run));
      }
      case WAVE_COMPLETED -> apply(before, RunGates.waveCompleted(run, step.nextWave() - 1, now));
      case RECORDED -> {
        stores.put(run);
        aborts.runChanged(run);
      }
      case IGNORED -> {}
    }
  }

  /** A run event about the run (readings and results from the executors; its own verdicts). */
  void runEvent(Run before, RunEvent e) {
    RunGates.Next next = RunGates.onEvent(before, e, clock.instant());
    if (next instanceof RunGates.Ended ended && ended.run().status() == RunStatus.ABORTED) {
      // A breach: the executors already published ABORT_RUN (reason STOP_CONDITION) under the
      // run's scope; it is tombstoned like the engine's own once every fault of the run ended.
      aborts.runAborted(ended.run(), ended.run().endedAt());
    }
    apply(before, next);
  }

  /**
   * Ends the run when its watch went unanswered for its limit ({@link WatchTimeouts}).
   *
   * @param readingTimeout {@code faultline.scheduler.probes.reading-timeout}; null: the default
   */
  void checkWatch(Run run, Duration readingTimeout) {
    WatchTimeouts.unanswered(run, readingTimeout, clock.instant())
        .ifPresent(
            next -> {
              log.info("run {}: {}", run.runId(), next.run().verdictReason());
              apply(run, next);
            });
  }

  /** An operator's abort: the run ends (when still running) and the executors are told. */
  void abort(SchedulerCommand c, Run run, Instant now) {
    Optional<Run> aborted = RunProgress.abort(run, c.issuedBy(), c.reason(), now);
    if (aborted.isPresent()) {
      log.info("run {} aborted by {}", run.runId(), c.issuedBy());
      apply(run, RunGates.stopped(aborted.get()));
    }
    dispatch.runAborted(c, run.runId(), now);
    aborts.runAborted(aborted.orElse(run), now);
  }

  private void apply(Run before, RunGates.Next next) {
    Run run = next.run();
    switch (next) {
      case RunGates.Ignored ignored -> {
        return;
      }
      case RunGates.Recorded recorded -> stores.put(run);
      case RunGates.Watching watching -> {
        writeWatch(before, run);
        stores.put(run);
      }
      case RunGates.StartWave start -> {
        writeWatch(before, run);
        Instant now = clock.instant();
        Experiment current = stores.experiment(run.tenantId(), run.experimentId()).orElse(null);
        dispatch.requestWave(run, start.wave(), current, now);
        run = RunProgress.startWave(run, start.wave(), now);
        stores.put(run);
        aborts.runChanged(run);
      }
      case RunGates.Ended ended -> end(run, "verdict-" + run.runId());
      case RunGates.Corrected corrected -> {
        log.info("run {}: a stop condition had breached; verdict {}", run.runId(), run.verdict());
        dispatch.verdict(run, "verdict-" + run.runId() + "-corrected", clock.instant());
        stores.put(run);
      }
    }
  }

  /** Tombstones the run's watch, publishes its verdict and stores it ended. */
  private void end(Run ended, String verdictId) {
    if (ended.watch() != null) {
      dispatch.endWatch(ended.watch().key());
    }
    Run run = ended.withWatch(null);
    dispatch.verdict(run, verdictId, clock.instant());
    telemetry.runEnded(run.tenantId(), run.status());
    log.info(
        "run {} ended {}: {} ({})", run.runId(), run.status(), run.verdict(), run.verdictReason());
    stores.put(run);
    aborts.runChanged(run);
  }

  /** Writes the run's watch when it is new or moved on. */
  private void writeWatch(Run before, Run run) {
    if (run.watch() == null) {
      return;
    }
    if (before == null
        || before.watch() == null
        || before.watch().revision() != run.watch().revision()) {
      dispatch.watch(run.watch());
    }
  }

  private Set<String> accounts(String tenantId) {
    return stores.tenant(tenantId).map(TenantState::accounts).orElse(List.of()).stream()
        .map(a -> a.accountId().value())
        .collect(Collectors.toUnmodifiableSet());
  }
}
