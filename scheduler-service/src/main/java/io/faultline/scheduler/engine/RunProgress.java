package io.faultline.scheduler.engine;

import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.lifecycle.TargetOutcome;
import io.faultline.scheduler.state.Run;
import io.faultline.scheduler.state.RunFault;
import io.faultline.scheduler.state.RunStatus;
import io.faultline.scheduler.state.RunWave;
import io.faultline.scheduler.state.TimelineEntry;
import io.faultline.scheduler.state.WaveStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a run goes next: a wave starting, a lifecycle event of one of its faults, an operator's
 * abort. Pure: it returns the updated run and what happened; publishing and storing are the
 * caller's.
 */
final class RunProgress {
  static final String REQUESTED = "REQUESTED";

  private RunProgress() {}

  /** What a lifecycle event did to its run. */
  enum Outcome {
    /** Not a fault of this run, or a sequence number already applied: nothing changes. */
    IGNORED,
    /** The fault's stage (or only its seen sequences) changed; the run goes on as before. */
    RECORDED,
    /** A fault failed, was rejected or aborted: the run stopped and its later waves never start. */
    STOPPED,
    /**
     * The current wave's last fault completed: the next wave is to start ({@code nextWave}); for a
     * watched run also after its last wave ({@code nextWave} = the number of waves), whose bake and
     * final check come first.
     */
    WAVE_COMPLETED,
    /** The last wave's last fault completed and nothing is watched: the run completed. */
    RUN_COMPLETED
  }

  /**
   * The run after one lifecycle event, and what happened.
   *
   * @param run the run to store (unchanged when {@link Outcome#IGNORED})
   * @param nextWave the wave to start when {@link Outcome#WAVE_COMPLETED}, otherwise -1
   */
  record Step(Run run, Outcome outcome, int nextWave) {
    static Step of(Run run, Outcome outcome) {
      return new Step(run, outcome, -1);
    }
  }

  /** The run with wave {@code index} RUNNING since {@code now} and its faults REQUESTED. */
  static Run startWave(Run run, int index, Instant now) {
    List<RunFault> faults = new ArrayList<>();
    for (RunFault f : run.faults()) {
      faults.add(f.wave() == index ? f.with(REQUESTED, 0, null, null) : f);
    }
    List<RunWave> waves = new ArrayList<>(run.waves());
    waves.set(index, run.waves().get(index).with(WaveStatus.RUNNING, now, null));
    return run.with(RunStatus.RUNNING, index, waves, faults, run.timeline(), null, null);
  }

  /**
   * Applies one lifecycle event of the run's faults. Each (fault, sequence) applies once, so a
   * redelivered event is ignored; an older event than the fault's latest is recorded as seen but
   * does not move its stage back. Only a RUNNING run moves on: a failed, rejected or aborted fault
   * stops it, and the wave whose faults all completed completes (the run with it, after the last).
   */
  static Step apply(Run run, FaultLifecycleEvent e, Instant now) {
    String faultId = e.faultId().value();
    Optional<RunFault> fault =
        run.faults().stream().filter(f -> f.faultId().equals(faultId)).findFirst();
    if (fault.isEmpty() || fault.get().hasSeen(e.sequence())) {
      return Step.of(run, Outcome.IGNORED);
    }
    List<RunFault> faults = new ArrayList<>();
    for (RunFault f : run.faults()) {
      if (!f.faultId().equals(faultId)) {
        faults.add(f);
        continue;
      }
      RunFault marked = f.markSeen(e.sequence());
      faults.add(
          e.sequence() > f.sequence()
              ? marked.with(
                  e.stage().name(),
                  e.sequence(),
                  e.reason() == null ? null : e.reason().name(),
                  e.detail())
              : marked);
    }
    // The timeline lives in its own store; a run stored before that moved drops its copy here.
    Run updated =
        run.with(
            run.status(),
            run.currentWave(),
            run.waves(),
            faults,
            List.of(),
            run.stopReason(),
            run.endedAt());
    if (updated.status() != RunStatus.RUNNING) {
      return Step.of(updated, Outcome.RECORDED);
    }
    return advance(updated, e, now);
  }

  private static Step advance(Run run, FaultLifecycleEvent e, Instant now) {
    LifecycleStage stage = e.stage();
    if (stage == LifecycleStage.FAILED
        || stage == LifecycleStage.ABORTED
        || stage == LifecycleStage.REJECTED) {
      String why =
          "fault "
              + e.faultId()
              + " "
              + stage
              + (e.reason() == null ? "" : " (" + e.reason() + ")")
              + (e.detail() == null ? "" : ": " + e.detail());
      RunStatus status = stage == LifecycleStage.ABORTED ? RunStatus.ABORTED : RunStatus.FAILED;
      return Step.of(stop(run, status, why, now), Outcome.STOPPED);
    }
    if (stage != LifecycleStage.COMPLETED) {
      return Step.of(run, Outcome.RECORDED);
    }
    RunWave current = run.waves().get(run.currentWave());
    Map<String, String> stages = new HashMap<>();
    run.faults().forEach(f -> stages.put(f.faultId(), f.stage()));
    boolean waveDone =
        current.faultIds().stream().allMatch(id -> "COMPLETED".equals(stages.get(id)));
    if (!waveDone) {
      return Step.of(run, Outcome.RECORDED);
    }
    List<RunWave> waves = new ArrayList<>(run.waves());
    waves.set(run.currentWave(), current.with(WaveStatus.COMPLETED, current.startedAt(), now));
    int next = run.currentWave() + 1;
    // A watched run is not over with its last wave: its bake and final check decide (RunGates).
    if (next >= run.waves().size() && run.watch() == null) {
      return Step.of(
          run.with(
              RunStatus.COMPLETED,
              run.currentWave(),
              waves,
              run.faults(),
              run.timeline(),
              null,
              now),
          Outcome.RUN_COMPLETED);
    }
    return new Step(
        run.with(run.status(), run.currentWave(), waves, run.faults(), run.timeline(), null, null),
        Outcome.WAVE_COMPLETED,
        next);
  }

  /**
   * The run an operator aborted, when it was still RUNNING; empty when it had already ended (the
   * abort is still passed on to the executors).
   */
  static Optional<Run> abort(Run run, String issuedBy, String reason, Instant now) {
    if (run.status() != RunStatus.RUNNING) {
      return Optional.empty();
    }
    String why = "aborted by " + issuedBy + (reason == null ? "" : ": " + reason);
    return Optional.of(stop(run, RunStatus.ABORTED, why, now));
  }

  /**
   * The run ended with {@code status}: pending waves are cancelled, the running one failed (a
   * failure) or cancelled (an abort).
   */
  static Run stop(Run run, RunStatus status, String why, Instant now) {
    List<RunWave> waves = new ArrayList<>();
    for (RunWave w : run.waves()) {
      if (w.status() == WaveStatus.PENDING) {
        waves.add(w.with(WaveStatus.CANCELLED, null, null));
      } else if (w.status() == WaveStatus.RUNNING) {
        waves.add(
            w.with(
                status == RunStatus.FAILED ? WaveStatus.FAILED : WaveStatus.CANCELLED,
                w.startedAt(),
                now));
      } else {
        waves.add(w);
      }
    }
    return run.with(status, run.currentWave(), waves, run.faults(), run.timeline(), why, now);
  }

  /** One lifecycle event as the run's timeline shows it. */
  static TimelineEntry timelineEntry(FaultLifecycleEvent e) {
    return new TimelineEntry(
        e.faultId().value(),
        e.stage().name(),
        e.sequence(),
        e.occurredAt(),
        e.producer(),
        e.reason() == null ? null : e.reason().name(),
        e.detail(),
        e.targets().stream().map(TargetOutcome::targetId).toList(),
        e.ssmCommandIds(),
        // Counts from the summary: the lists may be a sample of thousands of targets.
        e.targets().isEmpty() && e.ssmCommandIds().isEmpty() && e.targetSummary() == null
            ? null
            : e.targetCounts(),
        e.traceId());
  }
}
