package io.faultline.executor.run;

import io.faultline.events.decision.FaultApproved;
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.lifecycle.TargetStatus;
import io.faultline.executor.fault.FaultContext;
import io.faultline.executor.fault.FaultSpec;
import io.faultline.executor.fault.Target;
import io.faultline.executor.fault.TransportException;
import io.faultline.executor.lifecycle.JournalEntry;
import io.faultline.executor.lifecycle.JournalEntry.SerialHost;
import io.faultline.executor.lifecycle.JournalEntry.SerialStep;
import io.faultline.executor.run.CommandRound.Direction;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A serial fault taken over while one of its hosts was held or being rolled back (the journal names
 * the host and the step): that host's hold runs on to its own planned end, then the run goes on
 * host by host as its lost owner would have, to the end it was heading for. A host whose inject was
 * in flight is not continued ({@link TakenOverFault}: its result is unknown).
 */
final class SerialTakeover {
  private final FaultApproved approval;
  private final JournalEntry entry;
  private final Execution.Context ctx;
  private final LifecycleWriter writer;
  private final TargetLedger targets;
  private final FaultTrace trace;
  private final AbortSignal signal;
  private final Consumer<FailureReason> abort;

  SerialTakeover(
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

  /** Whether the journal says where the run was well enough to go on from there. */
  static boolean possible(JournalEntry entry) {
    SerialHost at = entry.serial();
    if (at == null || at.step() == SerialStep.INJECTING) {
      return false;
    }
    if (at.step() == SerialStep.HOLDING && at.holdUntil() == null) {
      return false;
    }
    return entry.targets().stream().anyMatch(t -> t.id().equals(at.targetId()));
  }

  /**
   * @param from who drove the fault before, and how it came here
   */
  void finish(String from) {
    SerialHost at = entry.serial();
    List<Target> all = targets.list();
    int index = SerialRun.indexOf(at, all);
    Target host = all.get(index);
    // The journal knows hosts by id only: this one counts as reached, so it is rolled back.
    targets.record(
        host,
        TargetStatus.INJECTED,
        null,
        from + (at.step() == SerialStep.HOLDING ? " while holding it" : " while rolling it back"));
    String note =
        from
            + "; "
            + ctx.executorId()
            + " went on from host "
            + (index + 1)
            + " of "
            + all.size()
            + (index == 0 ? "" : " (the hosts before it were rolled back by then)");
    String unreachable = "cannot reach the account to go on (host-side timers revert): ";
    FaultSpec spec =
        ctx.registry()
            .find(approval.faultType())
            .orElseThrow()
            .spec(
                approval.parameters(),
                ctx.guards().forFault(approval.tenantId(), approval.guard()));
    AssumeRole.Result role = AssumeRole.run(ctx.connector(), approval, trace);
    if (role.session() == null) {
      writer.terminal(
          LifecycleStage.FAILED, FailureReason.ROLLBACK, note + "; " + unreachable + role.error());
      return;
    }
    FaultContext faultContext =
        new FaultContext(
            approval.faultId(),
            trace.traceId(),
            ctx.guards().forFault(approval.tenantId(), approval.guard()).destinations());
    CommandContext commands;
    try {
      commands = CommandContext.prepare(role.session(), spec, faultContext, Direction.INJECT, host);
    } catch (TransportException e) {
      writer.terminal(
          LifecycleStage.FAILED,
          FailureReason.ROLLBACK,
          note + "; " + unreachable + e.getMessage());
      return;
    }
    Optional<FailureReason> blocked =
        ctx.controls().blocked(approval.tenantId(), approval.faultId(), approval.runId());
    SerialRun.Outcome outcome =
        blocked.isPresent()
            ? new SerialRun.Outcome(new Heading.Aborted(blocked.get()), true, null)
            : new SerialRun(
                    commands,
                    writer,
                    targets,
                    trace,
                    signal,
                    ctx.settings(),
                    InjectGate.journaled(approval, spec, ctx, targets, trace, abort, writer))
                .continueFrom(at);
    signal.throwIfReleased();
    new RollbackAndFinish(writer, targets, trace, signal, ctx.settings(), index)
        .finish(
            commands,
            outcome.heading(),
            outcome.detail() == null ? note : note + "; " + outcome.detail());
  }
}
