package io.faultline.executor.run;

import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.decision.FaultApproved;
import io.faultline.events.ids.FaultKey;
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.tracing.FaultSpans;
import io.faultline.executor.control.Controls;
import io.faultline.executor.fault.AccountConnector;
import io.faultline.executor.fault.AccountSession;
import io.faultline.executor.fault.Fault;
import io.faultline.executor.fault.FaultContext;
import io.faultline.executor.fault.FaultRegistry;
import io.faultline.executor.fault.FaultSpec;
import io.faultline.executor.fault.Target;
import io.faultline.executor.fault.Timing;
import io.faultline.executor.fault.TransportException;
import io.faultline.executor.guard.TenantGuards;
import io.faultline.executor.lifecycle.FaultLedger;
import io.faultline.executor.lifecycle.JournalEntry;
import io.faultline.executor.lifecycle.JournalEntry.Phase;
import io.faultline.executor.observability.ExecutorMetrics;
import io.faultline.executor.run.CommandRound.Direction;
import io.faultline.telemetry.FaultLogContext;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One fault from approval (or takeover) to its single terminal event: assume role, resolve,
 * pre-check, ramp, inject, hold, roll back, verify. Each step is a child span of {@code
 * fault.execute} ({@link FaultTrace}) and each change of state a lifecycle event and journal entry
 * ({@link LifecycleWriter}).
 */
final class Execution {
  private static final Logger log = LoggerFactory.getLogger(Execution.class);

  record Context(
      FaultRegistry registry,
      AccountConnector connector,
      FaultLedger ledger,
      Controls controls,
      RunSettings settings,
      String executorId,
      RandomGenerator random,
      Tracer tracer,
      ExecutorMetrics metrics,
      OwnDeadline deadline,
      TenantGuards guards) {}

  private final FaultlineEvent<FaultApproved> event;
  private final FaultApproved approval;
  private final int partition;
  private final Context ctx;
  private final JournalEntry recoveredFrom;
  private final AbortSignal signal;
  private final FaultTrace trace;
  private final TargetLedger targets;
  private final LifecycleWriter writer;
  // Whether this executor drives the fault (heartbeats name it): a takeover from the start, a fresh
  // approval once it passed its start deadline check.
  private volatile boolean accepted;

  private Execution(
      FaultlineEvent<FaultApproved> event,
      int partition,
      long offset,
      Context ctx,
      Runnable onFirstWrite,
      JournalEntry recoveredFrom) {
    this.event = event;
    this.approval = event.data();
    this.partition = partition;
    this.ctx = ctx;
    this.recoveredFrom = recoveredFrom;
    this.accepted = recoveredFrom != null;
    // Acts only while this executor's heartbeats keep being appended (ADR 0007 §5).
    long generation = ctx.deadline().generation();
    this.signal = new AbortSignal(() -> ctx.deadline().holds(generation));
    this.trace = new FaultTrace(ctx.tracer(), ctx.metrics(), approval);
    if (recoveredFrom == null || !recoveredFrom.phase().mayHaveInjected()) {
      // Nothing was sent by a lost owner that had not injected yet: the fault runs on from here.
      targets = new TargetLedger();
      writer =
          recoveredFrom == null
              ? LifecycleWriter.fresh(
                  approval,
                  ctx.ledger(),
                  ctx.executorId(),
                  partition,
                  offset,
                  targets,
                  trace,
                  signal,
                  ctx.metrics(),
                  onFirstWrite,
                  ctx.settings().maxEventTargets())
              : LifecycleWriter.resumed(
                  approval,
                  recoveredFrom,
                  ctx.ledger(),
                  ctx.executorId(),
                  targets,
                  trace,
                  signal,
                  ctx.metrics(),
                  ctx.settings().maxEventTargets());
    } else {
      targets =
          TargetLedger.journaled(
              recoveredFrom.targets().stream()
                  .map(t -> new Target(t.id(), t.kind(), Map.of(), ""))
                  .toList(),
              recoveredFrom.commandIds());
      writer =
          LifecycleWriter.resumed(
              approval,
              recoveredFrom,
              ctx.ledger(),
              ctx.executorId(),
              targets,
              trace,
              signal,
              ctx.metrics(),
              ctx.settings().maxEventTargets());
    }
  }

  static Execution fresh(
      FaultlineEvent<FaultApproved> approval,
      int partition,
      long offset,
      Context ctx,
      Runnable onFirstWrite) {
    return new Execution(approval, partition, offset, ctx, onFirstWrite, null);
  }

  static Execution recovered(
      FaultlineEvent<FaultApproved> approval, JournalEntry entry, Context ctx) {
    return new Execution(
        approval, entry.approvalPartition(), entry.approvalOffset(), ctx, () -> {}, entry);
  }

  FaultApproved approval() {
    return approval;
  }

  int partition() {
    return partition;
  }

  void abort(FailureReason reason) {
    // Called on the controls thread: the line still belongs to this fault.
    try (FaultLogContext ignored = trace.logContext()) {
      log.info("aborting fault {} ({})", approval.faultId(), reason);
    }
    trace.execute().addEvent("abort", Attributes.of(FaultSpans.REASON_CODE, reason.name()));
    signal.abort(reason);
  }

  void release() {
    signal.release();
  }

  /** Releases the fault and gives it up in the journal, so its next owner continues it at once. */
  void handOver() {
    signal.handOver();
  }

  /** The owner epoch this executor drives the fault under. */
  long epoch() {
    return writer.epoch();
  }

  /** Releases the fault if its ownership lapsed; true when this call released it. */
  boolean releaseIfLapsed() {
    return !signal.releasedAlready() && signal.released();
  }

  /** Whether the fault no longer belongs to this executor. */
  boolean released() {
    return signal.released();
  }

  /** Where the fault is: before its first command, or injecting, a handover would lose work. */
  boolean settled() {
    Phase phase = writer.phase();
    return phase == Phase.HOLDING || phase == Phase.ROLLING_BACK || phase == Phase.TERMINAL;
  }

  /** The fault as this executor's heartbeat names it; empty once it is no longer driven here. */
  Optional<InFlightFault> inFlight() {
    Phase phase = writer.phase();
    if (!accepted || signal.released() || phase == Phase.TERMINAL) {
      return Optional.empty();
    }
    return Optional.of(
        new InFlightFault(
            new FaultKey(approval.tenantId(), approval.faultId()),
            approval.accountId(),
            phase,
            writer.epoch()));
  }

  void run() {
    trace.start(event, recoveredFrom, ctx.random());
    ctx.metrics().faultStarted(approval.faultType().value(), approval.tenantId().value());
    try (Scope ignored = trace.execute().makeCurrent();
        FaultLogContext logs = trace.logContext()) {
      try {
        if (recoveredFrom == null) {
          execute();
        } else if (!recoveredFrom.phase().mayHaveInjected()) {
          writer.claim();
          runOnAfterTakeover();
        } else {
          new TakenOverFault(approval, recoveredFrom, ctx, writer, targets, trace, signal).finish();
        }
      } catch (AbortSignal.Released | FaultLedger.NotOwnedException e) {
        signal.release();
        trace.execute().addEvent("released");
        if (signal.handedOver()) {
          writer.handOver();
        }
        log.info(
            "fault {} released: {}",
            approval.faultId(),
            signal.handedOver()
                ? "handed over to its next owner"
                : "another executor takes it over");
      } catch (RuntimeException | Error e) {
        log.error("fault {} failed unexpectedly", approval.faultId(), e);
        if (!writer.finished() && !signal.released()) {
          finishAfterError(e);
        }
      } finally {
        trace.end();
      }
    } finally {
      ctx.metrics().faultStopped(approval.faultType().value(), approval.tenantId().value());
    }
  }

  // ---------------------------------------------------------------- a fault approved here

  private void execute() {
    // Before anything else: past its deadline the target may already be another fault's.
    Optional<String> missed = StartDeadline.missed(approval, Instant.now());
    if (missed.isPresent()) {
      log.warn("fault {} {}", approval.faultId(), missed.get());
      writer.terminal(LifecycleStage.ABORTED, FailureReason.APPROVAL_EXPIRED, missed.get());
      return;
    }
    accepted = true;
    runOn(true);
  }

  /**
   * A fault taken over before its lost owner sent any command: nothing to undo, so it runs on from
   * target resolution under the new epoch (its lease is kept by this executor's heartbeat).
   */
  private void runOnAfterTakeover() {
    log.warn(
        "fault {} taken over from executor {} before any command was sent: running it on",
        approval.faultId(),
        recoveredFrom.executor());
    runOn(false);
  }

  /** From the halt check on; {@code announce}: publish STARTED (not again after a takeover). */
  private void runOn(boolean announce) {
    Optional<FailureReason> blocked =
        ctx.controls().blocked(approval.tenantId(), approval.faultId(), approval.runId());
    if (blocked.isPresent()) {
      writer.terminal(
          LifecycleStage.ABORTED,
          blocked.get(),
          blocked.get() == FailureReason.HALTED
              ? "not started: tenant or platform is halted"
              : "not started: fault or run was aborted");
      return;
    }
    if (announce) {
      writer.event(LifecycleStage.STARTED, "executor " + ctx.executorId());
    }
    FaultSpec spec = specOrFail();
    if (spec == null) {
      return;
    }
    AssumeRole.Result role = AssumeRole.run(ctx.connector(), approval, trace);
    if (role.session() == null) {
      writer.terminal(LifecycleStage.FAILED, FailureReason.ASSUME_ROLE, role.error());
      return;
    }
    AccountSession session = role.session();
    if (stopBeforeInject()) {
      return;
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
      return;
    }
    TargetResolution.Resolved resolved = resolution.resolved();
    PreCheck.Result checked =
        PreCheck.run(ctx.settings().precheckSsmOnline(), session, resolved, trace, targets);
    if (checked.refusal() != null) {
      writer.terminal(LifecycleStage.FAILED, FailureReason.PRE_CHECK, checked.refusal());
      return;
    }
    targets.actOn(checked.targets(), resolved.outcomes());
    trace.execute().setAttribute(FaultSpans.TARGET_COUNT, (long) targets.list().size());
    writer.event(LifecycleStage.TARGETS_RESOLVED, resolved.summary());

    if (approval.dryRun()) {
      writer.terminal(
          LifecycleStage.COMPLETED, null, "dry run: targets resolved, nothing injected");
      return;
    }
    if (stopBeforeInject()) {
      return;
    }
    FaultContext faultContext = new FaultContext(approval.faultId(), trace.traceId());
    CommandContext commands;
    try {
      commands =
          CommandContext.prepare(
              session, spec, faultContext, Direction.INJECT, targets.list().getFirst());
    } catch (TransportException e) {
      writer.terminal(LifecycleStage.FAILED, FailureReason.INJECT, "document: " + e.getMessage());
      return;
    }
    Timing timing = spec.timing();
    ramp(timing);
    if (stopBeforeInject()) {
      return;
    }
    // Halts and the tenant's protected targets again, before each batch: the ramp may be long.
    InjectGate gate =
        new InjectGate(
            approval,
            spec.selector(),
            ctx.controls(),
            ctx.guards(),
            targets,
            trace,
            this::abort,
            () -> {
              if (writer.phase() == Phase.INJECTING) {
                // The journal's targets are what a takeover rolls back: never an excluded one.
                writer.journal(Phase.INJECTING);
              }
            });
    gate.admit(targets.list());
    if (stopBeforeInject() || endIfNothingLeft()) {
      return;
    }

    // Intent before any SendCommand: whoever takes over knows what to roll back.
    writer.journal(Phase.INJECTING);
    long injectStarted = System.nanoTime();
    boolean injected =
        new CommandRound(Direction.INJECT, commands, trace, targets, signal, ctx.settings(), gate)
            .run();
    trace.timed(FaultSpans.INJECT, injected, injectStarted);
    signal.throwIfReleased();
    if (endIfNothingLeft()) {
      return;
    }
    if (!injected || signal.aborted()) {
      Heading heading =
          signal.aborted()
              ? new Heading.Aborted(signal.reason())
              : new Heading.Failed(FailureReason.INJECT);
      rollBackAndFinish(commands, heading);
      return;
    }
    writer.holdUntil(Instant.now().plus(timing.hold()));
    writer.event(LifecycleStage.INJECTED, "held for " + timing.durationSeconds() + " s");
    boolean fullHold = waitOut(FaultSpans.HOLD, timing.hold());
    signal.throwIfReleased();
    if (!fullHold && signal.aborted()) {
      rollBackAndFinish(commands, new Heading.Aborted(signal.reason()));
      return;
    }
    rollBackAndFinish(commands, new Heading.Completed());
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
      return fault.spec(approval.parameters());
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
    writer.headFor(heading);
    // Queued, not awaited: a halt while the broker is away still rolls back at once (the events
    // follow when it is back; a takeover meanwhile rolls back again, which is idempotent).
    writer.eventWithoutWaiting(
        LifecycleStage.ROLLING_BACK,
        switch (heading) {
          case Heading.Completed c -> "hold over";
          case Heading.Aborted a -> "stopping: " + a.reason();
          case Heading.Failed f -> "stopping: " + f.reason();
        });
    Rollback.Result result = Rollback.run(commands, trace, targets, signal, ctx.settings());
    if (!result.ok()) {
      writer.terminal(LifecycleStage.FAILED, result.reason(), result.andLate(result.detail()));
      return;
    }
    String rolledBack = result.andLate("rolled back " + targets.list().size() + " targets");
    switch (heading) {
      case Heading.Completed c -> {
        ramp(commands.spec().timing());
        writer.terminal(LifecycleStage.COMPLETED, null, rolledBack);
      }
      case Heading.Aborted a ->
          writer.terminal(
              LifecycleStage.ABORTED, a.reason(), describeStop(a.reason()) + "; " + rolledBack);
      case Heading.Failed f ->
          writer.terminal(
              LifecycleStage.FAILED, f.reason(), describeStop(f.reason()) + "; " + rolledBack);
    }
  }

  private static String describeStop(FailureReason reason) {
    return switch (reason) {
      case ABORTED -> "aborted by a control";
      case HALTED -> "aborted: tenant or platform halted";
      case INJECT -> "inject failed on at least one target";
      default -> String.valueOf(reason);
    };
  }

  // ---------------------------------------------------------------- common

  /** Rolls back what an unexpected error may have left injected, then ends the fault INTERNAL. */
  private void finishAfterError(Throwable error) {
    try {
      if (writer.phase().mayHaveInjected() && !targets.list().isEmpty()) {
        Fault fault = ctx.registry().find(approval.faultType()).orElseThrow();
        FaultSpec spec = fault.spec(approval.parameters());
        FaultContext faultContext = new FaultContext(approval.faultId(), trace.traceId());
        AccountSession session = ctx.connector().connect(AssumeRole.request(approval));
        CommandContext commands =
            CommandContext.prepare(
                session, spec, faultContext, Direction.ROLLBACK, targets.list().getFirst());
        Rollback.run(commands, trace, targets, signal, ctx.settings());
      }
      writer.terminal(
          LifecycleStage.FAILED, FailureReason.INTERNAL, "internal error: " + error.getMessage());
    } catch (RuntimeException again) {
      log.error(
          "fault {} could not be ended; the journal keeps it for takeover",
          approval.faultId(),
          again);
    }
  }
}
