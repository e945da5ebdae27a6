package io.faultline.executor.run;

import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.tracing.FaultSpans;
import io.faultline.executor.fault.Target;
import io.faultline.executor.fault.Timing;
import io.faultline.executor.lifecycle.JournalEntry.Phase;
import io.faultline.executor.lifecycle.JournalEntry.SerialHost;
import io.faultline.executor.lifecycle.JournalEntry.SerialStep;
import io.faultline.executor.run.CommandRound.Direction;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * SEQUENCE=serial: inject, hold for the full duration, roll back (and verify) one target, then the
 * next, so no two targets are ever down together and no target outlives its own dead-man. The
 * fault's one INJECTED event is published once the first target is injected; the last target's
 * rollback is the fault's ROLLING_BACK ({@link FreshFault}), as is the rollback of whatever is
 * injected when an abort, a halt or a failure stops the run. The journal records the host and its
 * step before each command, so an executor that takes the fault over continues from that host.
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
    return runFrom(0, false);
  }

  /**
   * A serial run taken over at {@code at} (the journal's {@link SerialHost}, not {@link
   * SerialStep#INJECTING}): the host's hold runs on to its own planned end, the host is rolled back
   * and the run goes on with the next one, as its lost owner would have.
   */
  Outcome continueFrom(SerialHost at) {
    List<Target> all = targets.list();
    int i = indexOf(at, all);
    if (at.step() == SerialStep.HOLDING) {
      Duration left = Duration.between(Instant.now(), at.holdUntil());
      if (!hold(left.isNegative() ? Duration.ZERO : left)) {
        return new Outcome(new Heading.Aborted(signal.reason()), true, null);
      }
      if (i == all.size() - 1) {
        return new Outcome(new Heading.Completed(), true, null);
      }
    }
    Outcome stopped = rollBackBeforeNext(i, all);
    return stopped != null ? stopped : runFrom(i + 1, true);
  }

  private Outcome runFrom(int first, boolean injectedBefore) {
    List<Target> all = targets.list();
    boolean injected = injectedBefore;
    for (int i = first; i < all.size(); i++) {
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
      // Before the SendCommand: a takeover from here cannot know what the inject did.
      writer.serialHost(new SerialHost(target.id(), SerialStep.INJECTING, null));
      writer.journal(injected ? Phase.HOLDING : Phase.INJECTING);
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
            "serial: inject failed on " + target.id() + " (" + host(i, all) + ")");
      }
      Instant now = Instant.now();
      // The planned end covers every host still to come, each held for the full duration.
      writer.holdUntil(now.plus(timing.hold().multipliedBy(all.size() - i)));
      writer.serialHost(new SerialHost(target.id(), SerialStep.HOLDING, now.plus(timing.hold())));
      if (!injected) {
        injected = true;
        writer.event(
            LifecycleStage.INJECTED,
            "serial: "
                + target.id()
                + " injected, "
                + host(i, all)
                + "; each host held for "
                + timing.durationSeconds()
                + " s and rolled back before the next is injected");
      } else {
        // The journal keeps the planned ends and the commands sent for a takeover.
        writer.journal(Phase.HOLDING);
      }
      if (!hold(timing.hold())) {
        return new Outcome(new Heading.Aborted(signal.reason()), true, null);
      }
      if (i == all.size() - 1) {
        break;
      }
      Outcome stopped = rollBackBeforeNext(i, all);
      if (stopped != null) {
        return stopped;
      }
    }
    return new Outcome(new Heading.Completed(), injected, null);
  }

  /** Rolls host {@code i} back before the next is injected; the outcome when that failed. */
  private Outcome rollBackBeforeNext(int i, List<Target> all) {
    writer.serialHost(new SerialHost(all.get(i).id(), SerialStep.ROLLING_BACK, null));
    writer.journal(Phase.HOLDING);
    Rollback.Result back =
        Rollback.run(commands, trace, targets, signal, settings, List.of(all.get(i)));
    signal.throwIfReleased();
    if (!back.ok()) {
      return new Outcome(
          new Heading.Failed(back.reason()),
          true,
          "serial: stopped after " + host(i, all) + ": " + back.detail());
    }
    return null;
  }

  /** Where the journaled host is among {@code all}; -1 when it is not one of them. */
  static int indexOf(SerialHost at, List<Target> all) {
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).id().equals(at.targetId())) {
        return i;
      }
    }
    return -1;
  }

  private static String host(int i, List<Target> all) {
    return "host " + (i + 1) + " of " + all.size();
  }

  /** One host's hold (or what is left of it); false when an abort cut it short. */
  private boolean hold(Duration duration) {
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
