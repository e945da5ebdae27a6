package io.faultline.executor.run;

import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.tracing.FaultSpans;
import io.faultline.executor.fault.Target;
import io.faultline.executor.fault.Timing;
import io.faultline.executor.lifecycle.JournalEntry.Phase;
import io.faultline.executor.run.CommandRound.Direction;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * SEQUENCE=serial: inject, hold for the full duration, roll back (and verify) one target, then the
 * next, so no two targets are ever down together and no target outlives its own dead-man. The
 * fault's one INJECTED event is published once the first target is injected; the last target's
 * rollback is the fault's ROLLING_BACK ({@link FreshFault}), as is the rollback of whatever is
 * injected when an abort, a halt or a failure stops the run.
 */
final class SerialRun {
  /**
   * How the run ended.
   *
   * @param heading {@link Heading.Completed} when every target had its hold (the last one is still
   *     injected), else why it stopped
   * @param injected whether any target was injected (INJECTED was published)
   * @param detail what the terminal event says about the run, or null
   */
  record Outcome(Heading heading, boolean injected, String detail) {}

  private final CommandContext commands;
  private final LifecycleWriter writer;
  private final TargetLedger targets;
  private final FaultTrace trace;
  private final AbortSignal signal;
  private final RunSettings settings;
  private final CommandRound.Gate gate;
  private final Timing timing;

  SerialRun(
      CommandContext commands,
      LifecycleWriter writer,
      TargetLedger targets,
      FaultTrace trace,
      AbortSignal signal,
      RunSettings settings,
      CommandRound.Gate gate) {
    this.commands = commands;
    this.writer = writer;
    this.targets = targets;
    this.trace = trace;
    this.signal = signal;
    this.settings = settings;
    this.gate = gate;
    this.timing = commands.spec().timing();
  }

  /** The run up to the end of the last target's hold, or to what stopped it. */
  Outcome run() {
    List<Target> all = targets.list();
    boolean injected = false;
    for (int i = 0; i < all.size(); i++) {
      Target target = all.get(i);
      signal.throwIfReleased();
      if (signal.aborted()) {
        return new Outcome(new Heading.Aborted(signal.reason()), injected, null);
      }
      // Halts and protected targets again before each host: the run may last hours.
      if (gate.admit(List.of(target)).isEmpty()) {
        if (signal.aborted()) {
          return new Outcome(new Heading.Aborted(signal.reason()), injected, null);
        }
        continue;
      }
      long started = System.nanoTime();
      boolean ok =
          new CommandRound(
                  Direction.INJECT,
                  commands,
                  trace,
                  targets,
                  signal,
                  settings,
                  CommandRound.Gate.OPEN)
              .run(List.of(target));
      trace.timed(FaultSpans.INJECT, ok, started);
      signal.throwIfReleased();
      if (signal.aborted()) {
        return new Outcome(new Heading.Aborted(signal.reason()), injected, null);
      }
      if (!ok) {
        return new Outcome(
            new Heading.Failed(FailureReason.INJECT),
            injected,
            "serial: inject failed on "
                + target.id()
                + " (host "
                + (i + 1)
                + " of "
                + all.size()
                + ")");
      }
      // The planned end covers every host still to come, each held for the full duration.
      writer.holdUntil(Instant.now().plus(timing.hold().multipliedBy(all.size() - i)));
      if (!injected) {
        injected = true;
        writer.event(
            LifecycleStage.INJECTED,
            "serial: "
                + target.id()
                + " injected, host "
                + (i + 1)
                + " of "
                + all.size()
                + "; each host held for "
                + timing.durationSeconds()
                + " s and rolled back before the next is injected");
      } else {
        // The journal keeps the planned end and the commands sent for a takeover.
        writer.journal(Phase.HOLDING);
      }
      if (!hold()) {
        return new Outcome(new Heading.Aborted(signal.reason()), true, null);
      }
      if (i == all.size() - 1) {
        break;
      }
      Rollback.Result back =
          Rollback.run(commands, trace, targets, signal, settings, List.of(target));
      signal.throwIfReleased();
      if (!back.ok()) {
        return new Outcome(
            new Heading.Failed(back.reason()),
            true,
            "serial: stopped after host " + (i + 1) + " of " + all.size() + ": " + back.detail());
      }
    }
    return new Outcome(new Heading.Completed(), injected, null);
  }

  /** One host's hold; false when an abort cut it short. */
  private boolean hold() {
    Duration duration = timing.hold();
    try (FaultTrace.PhaseSpan p = trace.phase(FaultSpans.HOLD)) {
      boolean full = signal.await(duration);
      signal.throwIfReleased();
      if (!full && signal.aborted()) {
        p.stopped(signal.reason());
        return false;
      }
      return true;
    }
  }
}
