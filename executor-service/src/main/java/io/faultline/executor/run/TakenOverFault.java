package io.faultline.executor.run;

import io.faultline.events.decision.FaultApproved;
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.executor.fault.FaultContext;
import io.faultline.executor.fault.FaultSpec;
import io.faultline.executor.fault.TransportException;
import io.faultline.executor.lifecycle.JournalEntry;
import io.faultline.executor.lifecycle.JournalEntry.Phase;
import io.faultline.executor.run.CommandRound.Direction;

/**
 * The rest of a fault whose executor was lost: rolls back every target the journal says a command
 * may have reached, and ends the fault the way it was heading (FAILED EXECUTOR_LOST when it was
 * heading nowhere yet).
 */
final class TakenOverFault {
  private final FaultApproved approval;
  private final JournalEntry entry;
  private final Execution.Context ctx;
  private final LifecycleWriter writer;
  private final TargetLedger targets;
  private final FaultTrace trace;
  private final AbortSignal signal;

  TakenOverFault(
      FaultApproved approval,
      JournalEntry entry,
      Execution.Context ctx,
      LifecycleWriter writer,
      TargetLedger targets,
      FaultTrace trace,
      AbortSignal signal) {
    this.approval = approval;
    this.entry = entry;
    this.ctx = ctx;
    this.writer = writer;
    this.targets = targets;
    this.trace = trace;
    this.signal = signal;
  }

  void finish() {
    Phase phase = writer.phase();
    if (phase == Phase.TERMINAL) {
      return;
    }
    String lostExecutor = "executor " + entry.executor() + " was lost";
    if (!phase.mayHaveInjected()) {
      writer.terminal(
          LifecycleStage.FAILED,
          FailureReason.EXECUTOR_LOST,
          lostExecutor + " before any command was sent");
      return;
    }
    if (phase != Phase.ROLLING_BACK) {
      writer.event(
          LifecycleStage.ROLLING_BACK, lostExecutor + "; " + ctx.executorId() + " rolls back");
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
    String lost = lostExecutor + "; rolled back by " + ctx.executorId();
    if (!result.ok()) {
      writer.terminal(
          LifecycleStage.FAILED, result.reason(), result.andLate(lost + ": " + result.detail()));
      return;
    }
    switch (writer.heading()) {
      case null ->
          writer.terminal(
              LifecycleStage.FAILED, FailureReason.EXECUTOR_LOST, lost + " during the fault");
      case Heading.Completed c ->
          writer.terminal(LifecycleStage.COMPLETED, null, lost + " after the full hold");
      case Heading.Aborted a ->
          writer.terminal(LifecycleStage.ABORTED, a.reason(), lost + " after abort");
      case Heading.Failed f -> writer.terminal(LifecycleStage.FAILED, f.reason(), lost);
    }
  }
}
