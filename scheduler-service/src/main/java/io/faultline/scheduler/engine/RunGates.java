package io.faultline.scheduler.engine;

import io.faultline.events.ids.ExperimentId;
import io.faultline.events.ids.RunId;
import io.faultline.events.ids.TenantId;
import io.faultline.events.probe.ProbeDefinition;
import io.faultline.events.probe.RunEvent;
import io.faultline.events.probe.RunEventKind;
import io.faultline.events.probe.RunWatch;
import io.faultline.events.probe.Verdict;
import io.faultline.events.probe.WatchPhase;
import io.faultline.scheduler.state.Experiment;
import io.faultline.scheduler.state.Run;
import io.faultline.scheduler.state.RunReading;
import io.faultline.scheduler.state.RunStatus;
import io.faultline.scheduler.state.RunWave;
import io.faultline.scheduler.state.WaveStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The safety gates of a watched run (ADR 0010): its watch from start to end, the steady state
 * before the first wave, the bake after each wave, stop-condition breaches, the final check and the
 * verdict of every run. Pure: it returns the run as it is to be stored and what the caller must do
 * ({@link Next}); writing the watch, requesting waves and publishing the verdict are {@link
 * RunFlow}'s.
 *
 * <p>Results (held/failed) count only for the watch revision they name and in the phase that asks
 * for them; a stop-condition breach counts from any revision of a running run, because the
 * executors have already aborted the run when it arrives.
 */
final class RunGates {
  static final String NO_STEADY_STATE = "no steady-state probe: nothing tested the hypothesis";
  static final String HELD = "the final steady state held and no stop condition breached";
  static final String STOPPED_EARLY = "the run stopped before its hypothesis was judged: ";

  private RunGates() {}

  /** What the caller does next. {@code run} is always the run to store. */
  sealed interface Next {
    Run run();
  }

  /** Nothing changes (the run is not stored again). */
  record Ignored(Run run) implements Next {}

  /** A reading was added. */
  record Recorded(Run run) implements Next {}

  /** Request wave {@code wave}; the run's watch (if any) already names it. */
  record StartWave(Run run, int wave) implements Next {}

  /** The watch moved to another phase (steady state, bake, final check): write it, wait. */
  record Watching(Run run) implements Next {}

  /** The run ended with its verdict: tombstone its watch, publish the verdict. */
  record Ended(Run run) implements Next {}

  /** A run that ended before a breach arrived now carries the breach's verdict. */
  record Corrected(Run run) implements Next {}

  /**
   * A planned run's first step: wave 0 at once when nothing is watched or only stop conditions are,
   * otherwise the steady-state check first. Refused when a probe reads an account that is no longer
   * registered to the tenant.
   *
   * @param registeredAccounts the tenant's accounts now
   */
  static Next start(Run planned, Experiment e, Set<String> registeredAccounts, Instant now) {
    if (!e.hasProbes()) {
      return new StartWave(planned, 0);
    }
    for (ProbeDefinition p : e.probes()) {
      Optional<String> account = Experiment.accountOf(p).map(a -> a.value());
      if (account.isPresent() && !registeredAccounts.contains(account.get())) {
        String why =
            "PROBE_ACCOUNT: probe "
                + p.name()
                + " reads account "
                + account.get()
                + ", which is not registered to tenant "
                + e.tenantId();
        return new Ended(
            end(planned, RunStatus.REFUSED, why, now, Verdict.INCONCLUSIVE, refused(why)));
      }
    }
    boolean steady = !e.steadyState().isEmpty();
    RunWatch watch =
        new RunWatch(
            TenantId.of(planned.tenantId()),
            RunId.of(planned.runId()),
            ExperimentId.of(planned.experimentId()),
            e.steadyState(),
            e.stopConditions(),
            steady ? WatchPhase.STEADY_STATE : WatchPhase.RUNNING,
            0,
            null,
            1,
            now);
    Run watched = planned.withWatch(watch);
    return steady ? new Watching(watched) : new StartWave(watched, 0);
  }

  /**
   * Every fault of wave {@code index} completed: bake it when the run is watched and the wave has a
   * bake, otherwise move on.
   */
  static Next waveCompleted(Run run, int index, Instant now) {
    RunWatch watch = run.watch();
    int bake = run.waves().get(index).bakeSeconds();
    if (watch != null && bake > 0) {
      return new Watching(
          run.withWatch(watch.next(WatchPhase.BAKING, index, now.plusSeconds(bake), now)));
    }
    return promote(run, index, now);
  }

  /** After wave {@code index} (and its bake): the next wave, the final check, or the end. */
  static Next promote(Run run, int index, Instant now) {
    RunWatch watch = run.watch();
    int next = index + 1;
    if (next < run.waves().size()) {
      return new StartWave(
          watch == null ? run : run.withWatch(watch.next(WatchPhase.RUNNING, next, null, now)),
          next);
    }
    if (watch != null && !watch.steadyState().isEmpty()) {
      return new Watching(run.withWatch(watch.next(WatchPhase.FINAL_CHECK, index, null, now)));
    }
    return new Ended(
        end(run, RunStatus.COMPLETED, null, now, Verdict.INCONCLUSIVE, NO_STEADY_STATE));
  }

  /** The last wave of an unwatched run completed ({@link RunProgress} already ended it). */
  static Next completed(Run run) {
    return new Ended(run.withVerdict(Verdict.INCONCLUSIVE, NO_STEADY_STATE));
  }

  /** A fault failed, was rejected or aborted (or halted), or an operator aborted the run. */
  static Next stopped(Run stopped) {
    return new Ended(
        stopped.withVerdict(Verdict.INCONCLUSIVE, STOPPED_EARLY + stopped.stopReason()));
  }

  /** One run event of the run's watch. */
  static Next onEvent(Run run, RunEvent e, Instant now) {
    if (run.status() != RunStatus.RUNNING) {
      return lateBreach(run, e, now);
    }
    RunWatch watch = run.watch();
    if (watch == null) {
      return new Ignored(run);
    }
    switch (e.kind()) {
      case PROBE_READING -> {
        RunReading reading = RunReading.of(e);
        return reading == null ? new Ignored(run) : new Recorded(run.withReading(reading));
      }
      case STOP_CONDITION_BREACHED -> {
        if (watch.phase() == WatchPhase.STEADY_STATE) {
          // No fault was requested yet: the system was not steady, nothing was tested.
          String why =
              "NOT_STEADY: stop condition " + describe(e, "breached before the first wave");
          return new Ended(
              end(run, RunStatus.REFUSED, why, now, Verdict.INCONCLUSIVE, refused(why)));
        }
        String why = "STOP_CONDITION: " + describe(e, "breached");
        return new Ended(
            end(run, RunStatus.ABORTED, why, now, Verdict.HYPOTHESIS_REFUTED, breached(e)));
      }
      case VERDICT -> {
        return new Ignored(run);
      }
      default -> {
        // A result is about the revision it names; an older one's phase is over.
        if (e.watchRevision() == null || e.watchRevision() != watch.revision()) {
          return new Ignored(run);
        }
        return result(run, watch, e, now);
      }
    }
  }

  private static Next result(Run run, RunWatch watch, RunEvent e, Instant now) {
    WatchPhase phase = watch.phase();
    return switch (e.kind()) {
      case STEADY_STATE_HELD ->
          phase != WatchPhase.STEADY_STATE
              ? new Ignored(run)
              : new StartWave(run.withWatch(watch.next(WatchPhase.RUNNING, 0, null, now)), 0);
      case STEADY_STATE_FAILED -> {
        if (phase != WatchPhase.STEADY_STATE) {
          yield new Ignored(run);
        }
        String why = "NOT_STEADY: " + describe(e, "did not hold before the first wave");
        yield new Ended(end(run, RunStatus.REFUSED, why, now, Verdict.INCONCLUSIVE, refused(why)));
      }
      case BAKE_HELD ->
          phase != WatchPhase.BAKING ? new Ignored(run) : promote(run, watch.wave(), now);
      case BAKE_FAILED -> {
        if (phase != WatchPhase.BAKING) {
          yield new Ignored(run);
        }
        RunWave wave = run.waves().get(watch.wave());
        String why =
            "BAKE_FAILED: wave "
                + (wave.index() + 1)
                + " ("
                + wave.name()
                + ") did not hold through its bake: "
                + describe(e, "failed");
        yield new Ended(
            failWave(
                end(
                    run,
                    RunStatus.FAILED,
                    why,
                    now,
                    Verdict.HYPOTHESIS_REFUTED,
                    "the bake after wave "
                        + (wave.index() + 1)
                        + " failed: "
                        + describe(e, "failed")),
                wave.index()));
      }
      case FINAL_STEADY_STATE_HELD ->
          phase != WatchPhase.FINAL_CHECK
              ? new Ignored(run)
              : new Ended(end(run, RunStatus.COMPLETED, null, now, Verdict.HYPOTHESIS_HELD, HELD));
      case FINAL_STEADY_STATE_FAILED ->
          phase != WatchPhase.FINAL_CHECK
              ? new Ignored(run)
              : new Ended(
                  end(
                      run,
                      RunStatus.COMPLETED,
                      null,
                      now,
                      Verdict.HYPOTHESIS_REFUTED,
                      "the final steady state did not hold: "
                          + describe(e, "failed after the last wave")));
      default -> new Ignored(run);
    };
  }

  /**
   * A breach that arrives after its run ended because one of its faults was aborted: the executors
   * aborted the faults because of that breach, and its event merely arrived second (run events and
   * lifecycle events are separate topics). The run keeps its status; its verdict becomes REFUTED.
   */
  private static Next lateBreach(Run run, RunEvent e, Instant now) {
    boolean correctable =
        e.kind() == RunEventKind.STOP_CONDITION_BREACHED
            && run.status() == RunStatus.ABORTED
            && run.verdict() == Verdict.INCONCLUSIVE
            && run.verdictReason() != null
            && run.verdictReason().startsWith(STOPPED_EARLY + "fault ");
    if (!correctable) {
      return new Ignored(run);
    }
    Run corrected =
        run.with(
                run.status(),
                run.currentWave(),
                run.waves(),
                run.faults(),
                run.timeline(),
                "STOP_CONDITION: " + describe(e, "breached") + " (then " + run.stopReason() + ")",
                run.endedAt())
            .withVerdict(Verdict.HYPOTHESIS_REFUTED, breached(e));
    return new Corrected(corrected);
  }

  private static String breached(RunEvent e) {
    return "stop condition " + describe(e, "breached");
  }

  static String refused(String why) {
    return "refused before any fault, so nothing tested the hypothesis (" + why + ")";
  }

  /** "probe errors (wave 2) breached: failing state=ALARM — detail" */
  private static String describe(RunEvent e, String what) {
    StringBuilder text = new StringBuilder();
    if (e.probe() != null) {
      text.append("probe ").append(e.probe()).append(' ');
    }
    text.append(what);
    if (e.reading() != null) {
      text.append(": ").append(e.reading().describe());
    }
    if (e.detail() != null && !e.detail().isBlank()) {
      text.append(" — ").append(e.detail());
    }
    return text.toString();
  }

  static Run end(
      Run run, RunStatus status, String why, Instant now, Verdict verdict, String reason) {
    Run ended =
        status == RunStatus.COMPLETED
            ? run.with(
                status, run.currentWave(), run.waves(), run.faults(), run.timeline(), null, now)
            : RunProgress.stop(run, status, why, now);
    return ended.withVerdict(verdict, reason);
  }

  static Run failWave(Run run, int index) {
    List<RunWave> waves = new ArrayList<>(run.waves());
    RunWave w = waves.get(index);
    waves.set(index, w.with(WaveStatus.FAILED, w.startedAt(), w.endedAt()));
    return run.with(
        run.status(),
        run.currentWave(),
        waves,
        run.faults(),
        run.timeline(),
        run.stopReason(),
        run.endedAt());
  }
}
