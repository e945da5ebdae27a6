package io.faultline.executor.run;

import io.faultline.events.decision.FaultApproved;
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.tracing.FaultSpans;
import io.faultline.executor.fault.AccountSession;
import io.faultline.executor.fault.Fault;
import io.faultline.executor.fault.FaultContext;
import io.faultline.executor.fault.FaultSpec;
import io.faultline.executor.fault.Target;
import io.faultline.executor.fault.TargetSelector;
import io.faultline.executor.fault.Timing;
import io.faultline.executor.fault.TransportException;
import io.faultline.executor.lifecycle.JournalEntry;
import io.faultline.executor.lifecycle.JournalEntry.Phase;
import io.faultline.executor.run.CommandRound.Direction;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of a fault this executor runs from its approval (or from a takeover before any command
 * was sent): start deadline, halt check, STARTED, spec, assume role, resolve, pre-check,
 * TARGETS_RESOLVED, ramp, the inject gate, inject, INJECTED, hold, rollback and the terminal event.
 * Each step is a small type of its own; this class is their order.
 */
final class FreshFault {
  private static final Logger log = LoggerFactory.getLogger(FreshFault.class);

  private final FaultApproved approval;
  private final Execution.Context ctx;
  private final LifecycleWriter writer;
  private final TargetLedger targets;
  private final FaultTrace trace;
  private final AbortSignal signal;
  private final Runnable onAccepted;
  private final Consumer<FailureReason> abort;
  private final Runnable beforeLongWait;

  /**
   * @param onAccepted runs once the approval passed its start deadline (heartbeats name it)
   * @param abort aborts the fault as a control would (the inject gate's halts)
   * @param beforeLongWait told before the ramp and a serial run, waits that may be long: the fault
   *     no longer counts as starting ({@link StartGate})
   */
  FreshFault(
      FaultApproved approval,
      Execution.Context ctx,
      LifecycleWriter writer,
      TargetLedger targets,
      FaultTrace trace,
      AbortSignal signal,
      Runnable onAccepted,
      Consumer<FailureReason> abort,
      Runnable beforeLongWait) {
    this.approval = approval;
    this.ctx = ctx;
    this.writer = writer;
    this.targets = targets;
    this.trace = trace;
    this.signal = signal;
    this.onAccepted = onAccepted;
    this.abort = abort;
    this.beforeLongWait = beforeLongWait;
  }

  /**
   * The fault from its start deadline on.
   *
   * @return the hold the fault parks for ({@link Hold}), or null once it has ended
   */
  Hold run() {
    // Before anything else: past its deadline the target may already be another fault's.
    Optional<String> missed = StartDeadline.missed(approval, Instant.now());
    if (missed.isPresent()) {
      log.warn("fault {} {}", approval.faultId(), missed.get());
      writer.terminal(LifecycleStage.ABORTED, FailureReason.APPROVAL_EXPIRED, missed.get());
      return null;
    }
    onAccepted.run();
    return runOn(true);
  }

  /**
   * A fault taken over before its lost owner sent any command: nothing to undo, so it runs on from
   * target resolution under the new epoch (its lease is kept by this executor's heartbeat).
   */
  Hold runOnAfterTakeover(JournalEntry lost) {
    log.warn(
        "fault {} taken over from executor {} before any command was sent: running it on",
        approval.faultId(),
        lost.executor());
    return runOn(false);
  }

  /** From the halt check on; {@code announce}: publish STARTED (not again after a takeover). */
  private Hold runOn(boolean announce) {
    Optional<FailureReason> blocked =
        ctx.controls().blocked(approval.tenantId(), approval.faultId(), approval.runId());
    if (blocked.isPresent()) {
      writer.terminal(
          LifecycleStage.ABORTED,
          blocked.get(),
          blocked.get() == FailureReason.HALTED
              ? "not started: tenant or platform is halted"
              : "not started: fault or run was aborted");
      return null;
    }
    if (announce) {
      writer.event(LifecycleStage.STARTED, "executor " + ctx.executorId());
    }
    FaultSpec spec = specOrFail();
    if (spec == null) {
      return null;
    }
    AssumeRole.Result role = AssumeRole.run(ctx.connector(), approval, trace);
    if (role.session() == null) {
      writer.terminal(LifecycleStage.FAILED, FailureReason.ASSUME_ROLE, role.error());
      return null;
    }
    AccountSession session = role.session();
    if (stopBeforeInject()) {
      return null;
    }
    ResolveTargets.Result resolution =
        ResolveTargets.run(
            spec.selector(),
            session,
            approval,
            ctx.guards().forFault(approval.tenantId(), approval.guard()),
            ctx.random(),
            trace,
            targets);
    if (resolution.refused() != null) {
      writer.terminal(LifecycleStage.FAILED, resolution.refused(), resolution.refusal());
      return null;
    }
    TargetResolution.Resolved resolved = resolution.resolved();
    PreCheck.Result checked =
        PreCheck.run(ctx.settings().precheckSsmOnline(), session, resolved, trace, targets);
    if (checked.refusal() != null) {
      writer.terminal(LifecycleStage.FAILED, FailureReason.PRE_CHECK, checked.refusal());
      return null;
    }
    List<Target> acting = checked.targets();
    if (claimsTargets(spec)) {
      ClaimTargets.Result claimed =
          ClaimTargets.run(
              ctx.claims(),
              ctx.settings().claimTimeout(),
              approval,
              ctx.executorId(),
              acting,
              trace,
              targets);
      if (claimed.refusal() != null) {
        writer.terminal(LifecycleStage.FAILED, FailureReason.TARGET_SELECTION, claimed.refusal());
        return null;
      }
      acting = claimed.granted();
    }
    targets.actOn(acting, resolved.outcomes());
    trace.execute().setAttribute(FaultSpans.TARGET_COUNT, (long) targets.list().size());
    writer.event(
        LifecycleStage.TARGETS_RESOLVED,
        resolved.summary() + spec.warning().map(w -> "; " + w).orElse(""));
    Optional<String> tooLong =
        SerialBound.exceeded(spec.timing(), targets.list().size(), approval.maxDurationSeconds());
    if (tooLong.isPresent()) {
      writer.terminal(LifecycleStage.FAILED, FailureReason.POLICY_RULE, tooLong.get());
      return null;
    }

    if (approval.dryRun()) {
      writer.terminal(
          LifecycleStage.COMPLETED, null, "dry run: targets resolved, nothing injected");
      return null;
    }
    if (stopBeforeInject()) {
      return null;
    }
    // Names resolved on the host are checked there against every destination protected now.
    FaultContext faultContext =
        new FaultContext(
            approval.faultId(),
            trace.traceId(),
            ctx.guards().forFault(approval.tenantId(), approval.guard()).destinations());
    CommandContext commands;
    try {
      commands =
          CommandContext.prepare(
              session, spec, faultContext, Direction.INJECT, targets.list().getFirst());
    } catch (TransportException e) {
      writer.terminal(LifecycleStage.FAILED, FailureReason.INJECT, "document: " + e.getMessage());
      return null;
    }
    Timing timing = spec.timing();
    ramp(timing);
    if (stopBeforeInject()) {
      return null;
    }
    // Halts and the tenant's protected targets again, before each batch: the ramp may be long.
    InjectGate gate = InjectGate.journaled(approval, spec, ctx, targets, trace, abort, writer);
    gate.admit(targets.list());
    if (stopBeforeInject() || endIfNothingLeft()) {
      return null;
    }

    // Intent before any SendCommand: whoever takes over knows what to roll back.
    writer.journal(Phase.INJECTING);
    if (timing.sequence() == Timing.Sequence.SERIAL) {
      runSerially(commands, gate);
      return null;
    }
    long injectStarted = System.nanoTime();
    boolean injected =
        new CommandRound(Direction.INJECT, commands, trace, targets, signal, ctx.settings(), gate)
            .run();
    trace.timed(FaultSpans.INJECT, injected, injectStarted);
    signal.throwIfReleased();
    if (endIfNothingLeft()) {
      return null;
    }
    if (!injected || signal.aborted()) {
      Heading heading =
          signal.aborted()
              ? new Heading.Aborted(signal.reason())
              : new Heading.Failed(FailureReason.INJECT);
      rollBackAndFinish(commands, heading);
      return null;
    }
    writer.holdUntil(Instant.now().plus(timing.hold()));
    writer.event(LifecycleStage.INJECTED, "held for " + timing.durationSeconds() + " s");
    // Parked without a thread until the hold ends or an abort or release ends it sooner.
    FaultTrace.ParkedPhase hold = trace.parked(FaultSpans.HOLD);
    return new Hold(
        timing.hold(),
        full -> {
          hold.end(!full && signal.aborted() ? signal.reason() : null);
          signal.throwIfReleased();
          rollBackAndFinish(
              commands,
              !full && signal.aborted()
                  ? new Heading.Aborted(signal.reason())
                  : new Heading.Completed());
          return null;
        });
  }

  /** Inject, hold and roll back one host at a time ({@link SerialRun}), then the terminal event. */
  private void runSerially(CommandContext commands, InjectGate gate) {
    beforeLongWait.run();
    SerialRun.Outcome outcome =
        new SerialRun(commands, writer, targets, trace, signal, ctx.settings(), gate).run();
    signal.throwIfReleased();
    if (!outcome.injected() && (endIfNothingLeft() || nothingSentAndStopped())) {
      return;
    }
    rollBackAndFinish(commands, outcome.heading(), outcome.detail());
  }

  /**
   * Whether this fault claims its resolved instances before acting (issue 16): a tag selector's
   * instances are known only now, after the decision; a dry run touches none.
   */
  private boolean claimsTargets(FaultSpec spec) {
    return spec.selector() instanceof TargetSelector.InstanceTag
        && !approval.dryRun()
        && ctx.claims().enabled();
  }

  /** The fault's typed spec, or null once the fault has failed INVALID_REQUEST. */
  private FaultSpec specOrFail() {
    Fault fault = ctx.registry().find(approval.faultType()).orElse(null);
    if (fault == null) {
      writer.terminal(
          LifecycleStage.FAILED,
          FailureReason.INVALID_REQUEST,
          "this executor cannot run fault type " + approval.faultType());
      return null;
    }
    try {
      return fault.spec(
          approval.parameters(), ctx.guards().forFault(approval.tenantId(), approval.guard()));
    } catch (RuntimeException e) {
      writer.terminal(
          LifecycleStage.FAILED,
          FailureReason.INVALID_REQUEST,
          "parameters refused before any command: " + e.getMessage());
      return null;
    }
  }

  /** RAMP_TIME, cut short by an abort or a release. */
  private void ramp(Timing timing) {
    if (!timing.ramp().isZero()) {
      beforeLongWait.run();
    }
    waitOut(FaultSpans.RAMP, timing.ramp());
  }

  /**
   * A phase that only waits (ramp, hold), cut short by an abort or a release.
   *
   * @return true when the full duration passed
   */
  private boolean waitOut(String spanName, Duration duration) {
    try (FaultTrace.PhaseSpan p = trace.phase(spanName)) {
      boolean full = signal.await(duration);
      if (!full && signal.aborted()) {
        p.stopped(signal.reason());
      }
      return full;
    }
  }

  /**
   * Ends a fault whose every target became protected after approval before its inject was sent:
   * nothing was sent, nothing is rolled back, it fails as resolution does with nothing eligible.
   */
  private boolean endIfNothingLeft() {
    if (!targets.list().isEmpty()) {
      return false;
    }
    if (!stopBeforeInject()) {
      writer.terminal(
          LifecycleStage.FAILED,
          FailureReason.TARGET_SELECTION,
          "no eligible target: every target became protected after approval; nothing injected");
    }
    return true;
  }

  /** Ends the fault before anything was sent when it was aborted or released meanwhile. */
  private boolean stopBeforeInject() {
    signal.throwIfReleased();
    if (signal.aborted()) {
      writer.terminal(
          LifecycleStage.ABORTED, signal.reason(), "aborted before anything was injected");
      return true;
    }
    return false;
  }

  private void rollBackAndFinish(CommandContext commands, Heading heading) {
    rollBackAndFinish(commands, heading, null);
  }

  private void rollBackAndFinish(CommandContext commands, Heading heading, String serialDetail) {
    new RollbackAndFinish(writer, targets, trace, signal, ctx.settings(), 0)
        .finish(commands, heading, serialDetail);
  }

  /** Ends a serial run aborted before its first inject was sent (nothing to roll back). */
  private boolean nothingSentAndStopped() {
    return targets.reached().isEmpty() && stopBeforeInject();
  }
}
