package io.faultline.executor.run;

import io.faultline.events.decision.FaultApproved;
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.executor.fault.FaultContext;
import io.faultline.executor.fault.FaultSpec;
import io.faultline.executor.fault.Timing;
import io.faultline.executor.fault.TransportException;
import io.faultline.executor.lifecycle.JournalEntry;
import io.faultline.executor.lifecycle.JournalEntry.Phase;
import io.faultline.executor.run.CommandRound.Direction;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The rest of a fault whose owner stopped driving it after a command may have reached a target (its
 * heartbeat stopped naming it, or it handed the fault over at shutdown). The claim comes first: the
 * journal entry of the next owner epoch, so the old owner's late writes are refused. Then: a fault
 * that was holding holds on to its planned end and completes (a serial one goes on from the host it
 * held, {@link SerialTakeover}, unless that host's inject was in flight); one that was rolling back
 * finishes the rollback and ends the way it was heading; one caught injecting (results unknown) is
 * rolled back and ends FAILED EXECUTOR_LOST.
 */
final class TakenOverFault {
  private final FaultApproved approval;
  private final JournalEntry entry;
  private final Execution.Context ctx;
  private final LifecycleWriter writer;
  private final TargetLedger targets;
  private final FaultTrace trace;
  private final AbortSignal signal;
  private final Consumer<FailureReason> abort;

  /**
   * @param abort aborts the fault as a control would (a continued serial run's inject gate)
   */
  TakenOverFault(
      FaultApproved approval,
      JournalEntry entry,
      Execution.Context ctx,
      LifecycleWriter writer,
      TargetLedger targets,
      FaultTrace trace,
      AbortSignal signal,
      Consumer<FailureReason> abort) {
    this.approval = approval;
    this.entry = entry;
    this.ctx = ctx;
    this.writer = writer;
    this.targets = targets;
    this.trace = trace;
    this.signal = signal;
    this.abort = abort;
  }

  /**
   * Drives the fault to its terminal event.
   *
   * @return the rest of a hold the fault parks for ({@link Hold}), or null once it has ended
   */
  Hold finish() {
    if (writer.phase() == Phase.TERMINAL) {
      return null;
    }
    writer.claim();
    String from = from();
    Heading heading = writer.heading();
    boolean serialCut = writer.phase() == Phase.HOLDING && serial();
    if (serialCut && SerialTakeover.possible(entry)) {
      new SerialTakeover(approval, entry, ctx, writer, targets, trace, signal, abort).finish(from);
      return null;
    }
    // A serial run caught sending a host its inject (or journaled before the run's host was):
    // every host is rolled back at once (the not-yet-reached ones are no-ops).
    if (serialCut) {
      heading = blocked().<Heading>map(Heading.Aborted::new).orElse(null);
    } else if (writer.phase() == Phase.HOLDING) {
      Optional<FailureReason> blocked = blocked();
      Instant until = writer.holdUntil();
      if (blocked.isPresent()) {
        heading = new Heading.Aborted(blocked.get());
      } else if (until == null) {
        heading = null;
      } else {
        // Held to its planned end (the host state is intact: the targets stay injected while no
        // one drives them, until their own dead-man timers), parked without a thread.
        return new Hold(
            Duration.between(Instant.now(), until),
            full -> {
              signal.throwIfReleased();
              rollBack(
                  from,
                  !full && signal.aborted()
                      ? new Heading.Aborted(signal.reason())
                      : new Heading.Completed(),
                  false);
              return null;
            });
      }
    } else if (writer.phase() == Phase.INJECTING) {
      heading = null;
    }
    rollBack(from, heading, serialCut);
    return null;
  }

  /**
   * ROLLING_BACK (unless journaled already), the rollback and the terminal event for {@code
   * heading}: completed after the full hold, aborted, failed, or null when the hold could not be
   * kept as planned.
   */
  private void rollBack(String from, Heading heading, boolean serialCut) {
    if (writer.phase() != Phase.ROLLING_BACK) {
      writer.headFor(heading);
      writer.event(
          LifecycleStage.ROLLING_BACK,
          from
              + "; "
              + ctx.executorId()
              + (heading instanceof Heading.Completed
                  ? " held to the planned end"
                  : " rolls back"));
    }
    FaultSpec spec =
        ctx.registry().find(approval.faultType()).orElseThrow().spec(approval.parameters());
    FaultContext faultContext = new FaultContext(approval.faultId(), trace.traceId());
    String unreachable = "cannot reach the account to roll back (host-side timers revert): ";
    AssumeRole.Result role = AssumeRole.run(ctx.connector(), approval, trace);
    if (role.session() == null) {
      writer.terminal(LifecycleStage.FAILED, FailureReason.ROLLBACK, unreachable + role.error());
      return;
    }
    CommandContext commands;
    try {
      commands =
          CommandContext.prepare(
              role.session(), spec, faultContext, Direction.ROLLBACK, targets.list().getFirst());
    } catch (TransportException e) {
      writer.terminal(LifecycleStage.FAILED, FailureReason.ROLLBACK, unreachable + e.getMessage());
      return;
    }
    Rollback.Result result = Rollback.run(commands, trace, targets, signal, ctx.settings());
    String by = from + "; rolled back by " + ctx.executorId();
    if (!result.ok()) {
      writer.terminal(
          LifecycleStage.FAILED, result.reason(), result.andLate(by + ": " + result.detail()));
      return;
    }
    switch (heading) {
      case null ->
          writer.terminal(
              LifecycleStage.FAILED,
              FailureReason.EXECUTOR_LOST,
              by
                  + (serialCut
                      ? " (a serial run taken over while a host's inject was in flight: every"
                          + " host rolled back at once; hosts not reached yet were never injected)"
                      : " (taken over while injecting: the hold could not be kept as planned)"));
      case Heading.Completed c ->
          writer.terminal(LifecycleStage.COMPLETED, null, by + " after the full hold");
      case Heading.Aborted a ->
          writer.terminal(LifecycleStage.ABORTED, a.reason(), by + " after abort");
      case Heading.Failed f -> writer.terminal(LifecycleStage.FAILED, f.reason(), by);
    }
  }

  private Optional<FailureReason> blocked() {
    return ctx.controls().blocked(approval.tenantId(), approval.faultId(), approval.runId());
  }

  /** Whether the fault holds its hosts one at a time (SEQUENCE=serial). */
  private boolean serial() {
    return Timing.of(approval.parameters()).sequence() == Timing.Sequence.SERIAL;
  }

  /** Who drove the fault before, and how it came here. */
  private String from() {
    return entry.handedOver()
        ? "handed over by executor " + entry.executor()
        : "executor " + entry.executor() + " stopped driving it";
  }
}
