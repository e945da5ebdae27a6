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
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
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
      TenantGuards guards,
      io.faultline.executor.claims.TargetClaims claims) {}

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
  // Told when the fault no longer counts as starting ({@link StartGate}): before a wait that may be
  // long (the ramp, a serial run). Set before the fault's first thread starts.
  private Runnable beforeLongWait = () -> {};

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

  /** What to tell before the fault's first wait that may be long (its start gate's place). */
  void beforeLongWait(Runnable told) {
    this.beforeLongWait = told;
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

  /**
   * Where the fault is: before its first command, or injecting (a serial run's host included), a
   * handover would lose work.
   */
  boolean settled() {
    Phase phase = writer.phase();
    JournalEntry.SerialHost serial = writer.serialHost();
    if (phase == Phase.HOLDING && serial != null) {
      return serial.step() != JournalEntry.SerialStep.INJECTING;
    }
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

  /**
   * Runs the fault until it ends or parks for its hold.
   *
   * @return the hold the fault parks for, to be {@link #resume resumed}; null once it has ended
   */
  Hold run() {
    trace.start(event, recoveredFrom, ctx.random());
    ctx.metrics().faultStarted(approval.faultType().value(), approval.tenantId().value());
    return drive(
        () -> {
          if (recoveredFrom == null) {
            return fresh().run();
          }
          if (!recoveredFrom.phase().mayHaveInjected()) {
            writer.claim();
            return fresh().runOnAfterTakeover(recoveredFrom);
          }
          return new TakenOverFault(
                  approval, recoveredFrom, ctx, writer, targets, trace, signal, this::abort)
              .finish();
        });
  }

  /**
   * The rest of a fault parked for {@code hold}, on the thread that resumes it.
   *
   * @param full whether the whole hold passed
   * @return a further hold, or null once the fault has ended
   */
  Hold resume(Hold hold, boolean full) {
    return drive(() -> hold.after().resume(full));
  }

  /** Whatever woke a parked fault early: an abort or a release. */
  AbortSignal signal() {
    return signal;
  }

  /**
   * One stretch of the fault on the current thread, in its span and log context: up to its end, or
   * up to a hold it parks for (its span stays open then).
   */
  private Hold drive(Supplier<Hold> stretch) {
    Hold parked = null;
    try (Scope ignored = trace.execute().makeCurrent();
        FaultLogContext logs = trace.logContext()) {
      try {
        parked = stretch.get();
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
        if (parked == null) {
          trace.end();
        }
      }
    } finally {
      if (parked == null) {
        ctx.metrics().faultStopped(approval.faultType().value(), approval.tenantId().value());
      }
    }
    return parked;
  }

  private FreshFault fresh() {
    return new FreshFault(
        approval,
        ctx,
        writer,
        targets,
        trace,
        signal,
        () -> accepted = true,
        this::abort,
        beforeLongWait);
  }

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
