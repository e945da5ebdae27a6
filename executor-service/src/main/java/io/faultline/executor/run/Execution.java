package io.faultline.executor.run;

import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.decision.FaultApproved;
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.lifecycle.TargetOutcome;
import io.faultline.events.lifecycle.TargetStatus;
import io.faultline.events.topics.Topics;
import io.faultline.events.tracing.FaultSpans;
import io.faultline.events.tracing.TraceContexts;
import io.faultline.executor.control.Controls;
import io.faultline.executor.fault.AccountConnector;
import io.faultline.executor.fault.AccountRequest;
import io.faultline.executor.fault.AccountSession;
import io.faultline.executor.fault.CommandTransport;
import io.faultline.executor.fault.CommandTransport.DocumentVersion;
import io.faultline.executor.fault.CommandTransport.Invocation;
import io.faultline.executor.fault.DocumentCall;
import io.faultline.executor.fault.Fault;
import io.faultline.executor.fault.FaultContext;
import io.faultline.executor.fault.FaultRegistry;
import io.faultline.executor.fault.FaultSpec;
import io.faultline.executor.fault.Target;
import io.faultline.executor.fault.Timing;
import io.faultline.executor.fault.TransportException;
import io.faultline.executor.fault.document.ResultLine;
import io.faultline.executor.lifecycle.FaultLedger;
import io.faultline.executor.lifecycle.JournalEntry;
import io.faultline.executor.lifecycle.JournalEntry.JournalTarget;
import io.faultline.executor.lifecycle.JournalEntry.Phase;
import io.faultline.executor.observability.ExecutorMetrics;
import io.faultline.telemetry.FaultLogContext;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One fault from approval (or takeover) to its single terminal event, recorded as one {@code
 * fault.execute} span (continuing the approval's trace) with a child span per phase and per SSM
 * command, and with the fault's log context on every line it writes.
 */
final class Execution {
  private static final Logger log = LoggerFactory.getLogger(Execution.class);
  private static final int MAX_DETAIL = 1_000;
  private static final int MAX_STATUS = 300;
  private static final int MAX_POLL_ERRORS = 5;
  private static final String PHASE_PREFIX = "fault.";
  private static final AttributeKey<String> PRE_CHECK_MODE =
      AttributeKey.stringKey("faultline.pre_check.ssm_online");
  private static final AttributeKey<String> LOST_EXECUTOR =
      AttributeKey.stringKey("faultline.executor.lost");

  record Context(
      FaultRegistry registry,
      AccountConnector connector,
      FaultLedger ledger,
      Controls controls,
      RunSettings settings,
      String executorId,
      RandomGenerator random,
      Tracer tracer,
      ExecutorMetrics metrics) {}

  /** The partition moved away; stop without acting or publishing. */
  private static final class Released extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Released() {
      super("released", null, false, false);
    }
  }

  private final FaultlineEvent<FaultApproved> event;
  private final FaultApproved approval;
  private final String tenant;
  private final String faultId;
  private final String faultType;
  private final int partition;
  private final long offset;
  private final Context ctx;
  private final AbortSignal signal = new AbortSignal();
  private final Consumer<Void> onFirstWrite;
  private final JournalEntry recoveredFrom;

  /** fault.execute; invalid until the run starts (and when tracing is off). */
  private volatile Span executeSpan = Span.getInvalid();

  /** The span whose ids the fault's log lines carry (fault.execute, or the trace kept without). */
  private volatile Span logSpan;

  private boolean executeEnded;
  private String traceparent;
  private String traceId;

  private long nextSequence;
  private Phase phase;
  private Heading heading;
  private TargetLedger targets = new TargetLedger();
  private boolean terminal;
  private boolean firstWriteDone;

  private Execution(
      FaultlineEvent<FaultApproved> event,
      int partition,
      long offset,
      Context ctx,
      Consumer<Void> onFirstWrite,
      JournalEntry recoveredFrom) {
    this.event = event;
    this.approval = event.data();
    this.tenant = approval.tenantId().value();
    this.faultId = approval.faultId().value();
    this.faultType = approval.faultType().value();
    this.partition = partition;
    this.offset = offset;
    this.ctx = ctx;
    this.onFirstWrite = onFirstWrite;
    this.recoveredFrom = recoveredFrom;
    this.nextSequence = approval.sequence() + 1;
    this.phase = Phase.STARTED;
  }

  static Execution fresh(
      FaultlineEvent<FaultApproved> approval,
      int partition,
      long offset,
      Context ctx,
      Consumer<Void> onFirstWrite) {
    return new Execution(approval, partition, offset, ctx, onFirstWrite, null);
  }

  static Execution recovered(
      FaultlineEvent<FaultApproved> approval, JournalEntry entry, Context ctx) {
    Execution e =
        new Execution(
            approval, entry.approvalPartition(), entry.approvalOffset(), ctx, v -> {}, entry);
    e.nextSequence = entry.nextSequence();
    e.phase = entry.phase();
    e.heading = Heading.fromJournal(entry.heading()).orElse(null);
    e.targets =
        TargetLedger.journaled(
            entry.targets().stream().map(t -> new Target(t.id(), t.kind(), Map.of(), "")).toList(),
            entry.commandIds());
    e.firstWriteDone = true;
    return e;
  }

  FaultApproved approval() {
    return approval;
  }

  int partition() {
    return partition;
  }

  void abort(FailureReason reason) {
    // Called on the controls thread: the line still belongs to this fault.
    try (FaultLogContext ignored = FaultLogContext.open(tenant, faultId, logSpan)) {
      log.info("aborting fault {} ({})", faultId, reason);
    }
    executeSpan.addEvent("abort", Attributes.of(FaultSpans.REASON_CODE, reason.name()));
    signal.abort(reason);
  }

  void release() {
    signal.release();
  }

  // ---------------------------------------------------------------- the run

  void run() {
    startTrace();
    ctx.metrics().faultStarted(faultType, tenant);
    try (Scope ignored = executeSpan.makeCurrent();
        FaultLogContext logs = FaultLogContext.open(tenant, faultId, logSpan)) {
      try {
        if (recoveredFrom != null) {
          recover();
        } else {
          execute();
        }
      } catch (Released e) {
        executeSpan.addEvent("released");
        log.info("fault {} released to the partition's new owner", faultId);
      } catch (RuntimeException | Error e) {
        log.error("fault {} failed unexpectedly", faultId, e);
        if (!terminal && !signal.released()) {
          finishAfterError(e);
        }
      } finally {
        endExecute();
      }
    } finally {
      ctx.metrics().faultStopped(faultType, tenant);
    }
  }

  /**
   * Starts fault.execute as a child of the approval's trace context (on takeover: the approval's,
   * else the journal's, linked to the lost executor's span), so every event of the fault shares one
   * trace id. Without tracing the approval's (or journal's) trace id is kept, or one is made.
   */
  private void startTrace() {
    String journaled = recoveredFrom == null ? null : recoveredFrom.traceparent();
    FaultlineEvent<FaultApproved> parent =
        TraceContexts.isValid(event.traceparent()) || !TraceContexts.isValid(journaled)
            ? event
            : event.withTraceparent(journaled);
    SpanBuilder builder =
        FaultSpans.continuing(
                ctx.tracer(), FaultSpans.FAULT_EXECUTE, parent, Topics.FAULT_APPROVALS.name())
            .setAttribute(FaultSpans.TENANT_ID, tenant)
            .setAttribute(FaultSpans.FAULT_ID, faultId)
            .setAttribute(FaultSpans.FAULT_TYPE, faultType)
            .setAttribute(FaultSpans.CLOUD_PROVIDER, "aws")
            .setAttribute(FaultSpans.CLOUD_ACCOUNT_ID, approval.accountId().value())
            .setAttribute(FaultSpans.CLOUD_REGION, approval.region().value())
            .setAttribute(FaultSpans.DRY_RUN, approval.dryRun());
    if (approval.experimentId() != null) {
      builder.setAttribute(FaultSpans.EXPERIMENT_ID, approval.experimentId().value());
    }
    if (approval.runId() != null) {
      builder.setAttribute(FaultSpans.RUN_ID, approval.runId().value());
    }
    SpanContext lost = Span.fromContext(TraceContexts.extract(journaled)).getSpanContext();
    if (lost.isValid()) {
      builder.addLink(lost);
    }
    Span span = builder.startSpan();
    if (recoveredFrom != null) {
      span.addEvent(
          "takeover",
          Attributes.of(
              LOST_EXECUTOR,
              String.valueOf(recoveredFrom.executor()),
              FaultSpans.LIFECYCLE_STAGE,
              recoveredFrom.phase().name()));
    }
    executeSpan = span;
    String own = TraceContexts.traceparentOf(span);
    if (own != null) {
      traceparent = own;
    } else if (TraceContexts.isValid(parent.traceparent())) {
      traceparent = parent.traceparent();
    } else {
      HexFormat hex = HexFormat.of();
      traceparent =
          "00-"
              + hex.toHexDigits(ctx.random().nextLong())
              + hex.toHexDigits(ctx.random().nextLong())
              + "-"
              + hex.toHexDigits(ctx.random().nextLong())
              + "-01";
    }
    traceId = TraceContexts.traceId(traceparent).orElseThrow();
    logSpan =
        span.getSpanContext().isValid()
            ? span
            : Span.fromContext(TraceContexts.extract(traceparent));
  }

  private void endExecute() {
    if (!executeEnded) {
      executeEnded = true;
      executeSpan.end();
    }
  }

  /** One phase of the fault: a child span of fault.execute, its log context and its timer. */
  private final class PhaseScope implements AutoCloseable {
    private final String phaseName;
    private final Span span;
    private final Scope scope;
    private final FaultLogContext logs;
    private final long started = System.nanoTime();
    private boolean failed;

    PhaseScope(String spanName) {
      this(spanName, SpanKind.INTERNAL);
    }

    PhaseScope(String spanName, SpanKind kind) {
      this.phaseName = spanName.substring(PHASE_PREFIX.length());
      this.span = childSpan(spanName, kind);
      this.scope = span.makeCurrent();
      this.logs =
          FaultLogContext.open(tenant, faultId, span.getSpanContext().isValid() ? span : logSpan);
    }

    Span span() {
      return span;
    }

    void fail(FailureReason reason, String message) {
      failed = true;
      FaultSpans.fail(span, reason.name(), brief(message));
    }

    /** Cut short by an abort or halt: recorded, but not a failure of the phase. */
    void stopped(FailureReason reason) {
      span.setAttribute(FaultSpans.REASON_CODE, reason.name());
    }

    @Override
    public void close() {
      logs.close();
      scope.close();
      span.end();
      ctx.metrics()
          .phase(phaseName, faultType, !failed, Duration.ofNanos(System.nanoTime() - started));
    }
  }

  private Span childSpan(String name, SpanKind kind) {
    return ctx.tracer()
        .spanBuilder(name)
        .setParent(io.opentelemetry.context.Context.current().with(executeSpan))
        .setSpanKind(kind)
        .startSpan();
  }

  private static String brief(String message) {
    String text = message == null ? "" : message;
    return text.length() > MAX_STATUS ? text.substring(0, MAX_STATUS) : text;
  }

  private void recordPhase(String spanName, boolean ok, long startedNanos) {
    ctx.metrics()
        .phase(
            spanName.substring(PHASE_PREFIX.length()),
            faultType,
            ok,
            Duration.ofNanos(System.nanoTime() - startedNanos));
  }

  /** The session, or why the account could not be reached (recorded on fault.assume-role). */
  private record Connected(AccountSession session, String error) {}

  private Connected assumeRole() {
    try (PhaseScope p = new PhaseScope(FaultSpans.ASSUME_ROLE, SpanKind.CLIENT)) {
      p.span()
          .setAttribute(FaultSpans.RPC_SYSTEM, "aws-api")
          .setAttribute(FaultSpans.RPC_SERVICE, "STS")
          .setAttribute(FaultSpans.RPC_METHOD, "AssumeRole")
          .setAttribute(FaultSpans.CLOUD_ACCOUNT_ID, approval.accountId().value());
      try {
        return new Connected(ctx.connector().connect(accountRequest()), null);
      } catch (TransportException e) {
        p.fail(FailureReason.ASSUME_ROLE, e.getMessage());
        return new Connected(null, e.getMessage());
      }
    }
  }

  private void execute() {
    Optional<FailureReason> blocked =
        ctx.controls().blocked(approval.tenantId(), approval.faultId(), approval.runId());
    if (blocked.isPresent()) {
      terminal(
          LifecycleStage.ABORTED,
          blocked.get(),
          blocked.get() == FailureReason.HALTED
              ? "not started: tenant or platform is halted"
              : "not started: fault or run was aborted");
      return;
    }
    emit(LifecycleStage.STARTED, Phase.STARTED, null, "executor " + ctx.executorId(), List.of());

    Fault fault = ctx.registry().find(approval.faultType()).orElse(null);
    if (fault == null) {
      terminal(
          LifecycleStage.FAILED,
          FailureReason.INVALID_REQUEST,
          "this executor cannot run fault type " + approval.faultType());
      return;
    }
    FaultSpec spec;
    try {
      spec = fault.spec(approval.parameters());
    } catch (RuntimeException e) {
      terminal(
          LifecycleStage.FAILED,
          FailureReason.INVALID_REQUEST,
          "parameters refused before any command: " + e.getMessage());
      return;
    }
    Connected connected = assumeRole();
    if (connected.session() == null) {
      terminal(LifecycleStage.FAILED, FailureReason.ASSUME_ROLE, connected.error());
      return;
    }
    AccountSession session = connected.session();
    if (stopBeforeInject()) {
      return;
    }

    TargetResolution.Resolved resolved = null;
    FailureReason refused = null;
    String refusal = null;
    try (PhaseScope p = new PhaseScope(FaultSpans.RESOLVE_TARGETS)) {
      try {
        resolved =
            TargetResolution.resolve(
                spec.selector(), session, approval.guard(), approval.maxTargets(), ctx.random());
        p.span().setAttribute(FaultSpans.TARGET_COUNT, (long) resolved.targets().size());
        if (resolved.targets().isEmpty()) {
          refused = FailureReason.TARGET_SELECTION;
          refusal = "no eligible target: " + resolved.summary();
        }
      } catch (TargetResolution.MissingCluster e) {
        refused = FailureReason.PRE_CHECK;
        refusal = e.getMessage();
      } catch (TransportException e) {
        refused = FailureReason.TARGET_SELECTION;
        refusal = e.getMessage();
      }
      if (refused != null) {
        p.fail(refused, refusal);
      }
    }
    if (resolved != null) {
      targets.resolved(resolved.outcomes());
    }
    if (refused != null) {
      terminal(LifecycleStage.FAILED, refused, refusal);
      return;
    }
    List<Target> chosen = resolved.targets();
    String summary = resolved.summary();

    String unreachable = null;
    try (PhaseScope p = new PhaseScope(FaultSpans.PRE_CHECK)) {
      RunSettings.Precheck mode = ctx.settings().precheckSsmOnline();
      p.span().setAttribute(PRE_CHECK_MODE, mode.name().toLowerCase(java.util.Locale.ROOT));
      if (mode == RunSettings.Precheck.ENFORCE) {
        Set<String> online = null;
        try {
          online = session.ssmOnline(chosen.stream().map(Target::id).toList());
        } catch (TransportException e) {
          targets.reportAll(resolved.outcomes());
          unreachable =
              "cannot confirm the targets are SSM-managed and online (failing closed): "
                  + e.getMessage();
        }
        if (online != null) {
          List<Target> reachable = new ArrayList<>();
          for (Target target : chosen) {
            if (online.contains(target.id())) {
              reachable.add(target);
            } else {
              targets.skip(target, "SSM agent not registered or not online");
            }
          }
          if (reachable.isEmpty()) {
            unreachable = "no target has an online SSM agent";
          }
          chosen = reachable;
        }
      }
      if (unreachable != null) {
        p.fail(FailureReason.PRE_CHECK, unreachable);
      } else {
        p.span().setAttribute(FaultSpans.TARGET_COUNT, (long) chosen.size());
      }
    }
    if (unreachable != null) {
      terminal(LifecycleStage.FAILED, FailureReason.PRE_CHECK, unreachable);
      return;
    }
    targets.actOn(chosen, resolved.outcomes());
    executeSpan.setAttribute(FaultSpans.TARGET_COUNT, (long) targets.list().size());
    emit(LifecycleStage.TARGETS_RESOLVED, Phase.RESOLVED, null, summary, targets.outcomes());

    if (approval.dryRun()) {
      terminal(LifecycleStage.COMPLETED, null, "dry run: targets resolved, nothing injected");
      return;
    }
    if (stopBeforeInject()) {
      return;
    }
    FaultContext faultContext = new FaultContext(approval.faultId(), traceId);
    DocumentVersion version;
    try {
      version =
          session.ensureDocument(spec.inject(targets.list().getFirst(), faultContext).document());
    } catch (TransportException e) {
      terminal(LifecycleStage.FAILED, FailureReason.INJECT, "document: " + e.getMessage());
      return;
    }
    Timing timing = spec.timing();
    ramp(timing);
    if (stopBeforeInject()) {
      return;
    }

    // Intent before any SendCommand: whoever takes over knows what to roll back.
    phase = Phase.INJECTING;
    journal();
    long injectStarted = System.nanoTime();
    boolean injected = inject(session, spec, faultContext, version, timing);
    recordPhase(FaultSpans.INJECT, injected, injectStarted);
    if (signal.released()) {
      throw new Released();
    }
    if (!injected || signal.aborted()) {
      FailureReason reason = signal.aborted() ? signal.reason() : FailureReason.INJECT;
      LifecycleStage end = signal.aborted() ? LifecycleStage.ABORTED : LifecycleStage.FAILED;
      heading =
          end == LifecycleStage.ABORTED ? new Heading.Aborted(reason) : new Heading.Failed(reason);
      rollBackAndFinish(session, spec, faultContext, version, end, reason, false);
      return;
    }
    emit(
        LifecycleStage.INJECTED,
        Phase.HOLDING,
        null,
        "held for " + timing.durationSeconds() + " s",
        targets.outcomes());
    boolean fullHold;
    try (PhaseScope p = new PhaseScope(FaultSpans.HOLD)) {
      fullHold = signal.await(timing.hold());
      if (!fullHold && signal.aborted()) {
        p.stopped(signal.reason());
      }
    }
    if (signal.released()) {
      throw new Released();
    }
    if (!fullHold && signal.aborted()) {
      heading = new Heading.Aborted(signal.reason());
      rollBackAndFinish(
          session, spec, faultContext, version, LifecycleStage.ABORTED, signal.reason(), false);
      return;
    }
    heading = new Heading.Completed();
    rollBackAndFinish(session, spec, faultContext, version, LifecycleStage.COMPLETED, null, true);
  }

  /** RAMP_TIME, cut short by an abort or a release. */
  private void ramp(Timing timing) {
    try (PhaseScope p = new PhaseScope(FaultSpans.RAMP)) {
      if (!signal.await(timing.ramp()) && signal.aborted()) {
        p.stopped(signal.reason());
      }
    }
  }

  /** Ends the fault before anything was sent when it was aborted or released meanwhile. */
  private boolean stopBeforeInject() {
    if (signal.released()) {
      throw new Released();
    }
    if (signal.aborted()) {
      terminal(LifecycleStage.ABORTED, signal.reason(), "aborted before anything was injected");
      return true;
    }
    return false;
  }

  private void rollBackAndFinish(
      AccountSession session,
      FaultSpec spec,
      FaultContext faultContext,
      DocumentVersion version,
      LifecycleStage end,
      FailureReason reason,
      boolean rampAfter) {
    emit(
        LifecycleStage.ROLLING_BACK,
        Phase.ROLLING_BACK,
        null,
        end == LifecycleStage.COMPLETED ? "hold over" : "stopping: " + reason,
        targets.outcomes());
    RollbackResult result = rollback(session, spec, faultContext, version);
    if (rampAfter && result.ok()) {
      ramp(spec.timing());
    }
    if (!result.ok()) {
      terminal(LifecycleStage.FAILED, result.reason(), result.detail());
    } else if (end == LifecycleStage.COMPLETED) {
      terminal(LifecycleStage.COMPLETED, null, "rolled back " + targets.list().size() + " targets");
    } else {
      terminal(
          end,
          reason,
          describeStop(reason) + "; rolled back " + targets.list().size() + " targets");
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

  private void recover() {
    if (phase == Phase.TERMINAL) {
      return;
    }
    if (!phase.mayHaveInjected()) {
      terminal(
          LifecycleStage.FAILED,
          FailureReason.EXECUTOR_LOST,
          "executor " + recoveredFrom.executor() + " was lost before any command was sent");
      return;
    }
    if (phase != Phase.ROLLING_BACK) {
      emit(
          LifecycleStage.ROLLING_BACK,
          Phase.ROLLING_BACK,
          null,
          "executor " + recoveredFrom.executor() + " was lost; " + ctx.executorId() + " rolls back",
          targets.outcomes());
    }
    Fault fault = ctx.registry().find(approval.faultType()).orElseThrow();
    FaultSpec spec = fault.spec(approval.parameters());
    FaultContext faultContext = new FaultContext(approval.faultId(), traceId);
    String unreachable = "cannot reach the account to roll back (host-side timers revert): ";
    Connected connected = assumeRole();
    if (connected.session() == null) {
      terminal(LifecycleStage.FAILED, FailureReason.ROLLBACK, unreachable + connected.error());
      return;
    }
    AccountSession session = connected.session();
    DocumentVersion version;
    try {
      version =
          session.ensureDocument(spec.rollback(targets.list().getFirst(), faultContext).document());
    } catch (TransportException e) {
      terminal(LifecycleStage.FAILED, FailureReason.ROLLBACK, unreachable + e.getMessage());
      return;
    }
    RollbackResult result = rollback(session, spec, faultContext, version);
    String lost =
        "executor " + recoveredFrom.executor() + " was lost; rolled back by " + ctx.executorId();
    if (!result.ok()) {
      terminal(LifecycleStage.FAILED, result.reason(), lost + ": " + result.detail());
      return;
    }
    switch (heading) {
      case null ->
          terminal(LifecycleStage.FAILED, FailureReason.EXECUTOR_LOST, lost + " during the fault");
      case Heading.Completed c ->
          terminal(LifecycleStage.COMPLETED, null, lost + " after the full hold");
      case Heading.Aborted a -> terminal(LifecycleStage.ABORTED, a.reason(), lost + " after abort");
      case Heading.Failed f -> terminal(LifecycleStage.FAILED, f.reason(), lost);
    }
  }

  private void finishAfterError(Throwable error) {
    try {
      if (phase.mayHaveInjected() && !targets.list().isEmpty()) {
        Fault fault = ctx.registry().find(approval.faultType()).orElseThrow();
        FaultSpec spec = fault.spec(approval.parameters());
        FaultContext faultContext = new FaultContext(approval.faultId(), traceId);
        AccountSession session = ctx.connector().connect(accountRequest());
        DocumentVersion version =
            session.ensureDocument(
                spec.rollback(targets.list().getFirst(), faultContext).document());
        rollback(session, spec, faultContext, version);
      }
      terminal(
          LifecycleStage.FAILED, FailureReason.INTERNAL, "internal error: " + error.getMessage());
    } catch (RuntimeException again) {
      log.error("fault {} could not be ended; the journal keeps it for takeover", faultId, again);
    }
  }

  // ---------------------------------------------------------------- inject and rollback

  private record Pending(String commandId, Target target) {}

  private record RollbackResult(boolean ok, FailureReason reason, String detail) {}

  /**
   * @return true when every target was injected
   */
  private boolean inject(
      AccountSession session,
      FaultSpec spec,
      FaultContext faultContext,
      DocumentVersion version,
      Timing timing) {
    if (timing.sequence() == Timing.Sequence.SERIAL) {
      for (Target target : targets.list()) {
        if (signal.aborted() || signal.released()) {
          return false;
        }
        Map<Pending, Invocation> results =
            sendAndPoll(
                session,
                version,
                Map.of(spec.inject(target, faultContext), List.of(target)),
                true,
                TargetStatus.INJECTED,
                TargetStatus.INJECT_FAILED);
        if (results.values().stream().anyMatch(i -> i.status() != Invocation.Status.SUCCESS)) {
          return false;
        }
      }
      return true;
    }
    Map<DocumentCall, List<Target>> groups = new LinkedHashMap<>();
    for (Target target : targets.list()) {
      groups.computeIfAbsent(spec.inject(target, faultContext), c -> new ArrayList<>()).add(target);
    }
    Map<Pending, Invocation> results =
        sendAndPoll(
            session, version, groups, true, TargetStatus.INJECTED, TargetStatus.INJECT_FAILED);
    return results.size() == targets.list().size()
        && results.values().stream().allMatch(i -> i.status() == Invocation.Status.SUCCESS);
  }

  private RollbackResult rollback(
      AccountSession session, FaultSpec spec, FaultContext faultContext, DocumentVersion version) {
    long started = System.nanoTime();
    Map<DocumentCall, List<Target>> groups = new LinkedHashMap<>();
    if (spec.timing().sequence() == Timing.Sequence.SERIAL) {
      for (Target target : targets.list()) {
        sendAndPoll(
            session,
            version,
            Map.of(spec.rollback(target, faultContext), List.of(target)),
            false,
            TargetStatus.ROLLED_BACK,
            TargetStatus.ROLLBACK_FAILED);
      }
    } else {
      for (Target target : targets.list()) {
        groups
            .computeIfAbsent(spec.rollback(target, faultContext), c -> new ArrayList<>())
            .add(target);
      }
      sendAndPoll(
          session, version, groups, false, TargetStatus.ROLLED_BACK, TargetStatus.ROLLBACK_FAILED);
    }
    List<String> failed = targets.notRolledBack();
    recordPhase(FaultSpans.ROLLBACK, failed.isEmpty(), started);
    if (!failed.isEmpty()) {
      return new RollbackResult(
          false,
          FailureReason.ROLLBACK,
          "rollback failed on " + failed + " (host-side timers revert)");
    }
    try (PhaseScope p = new PhaseScope(FaultSpans.VERIFY)) {
      RollbackResult result = verify(session, spec);
      if (!result.ok()) {
        p.fail(result.reason(), result.detail());
      }
      return result;
    }
  }

  private RollbackResult verify(AccountSession session, FaultSpec spec) {
    Map<String, String> unverified;
    try {
      unverified = spec.verify(targets.list(), session);
    } catch (TransportException e) {
      unverified =
          targets.list().stream()
              .collect(
                  Collectors.toMap(
                      Target::id,
                      t -> "cannot verify: " + e.getMessage(),
                      (a, b) -> a,
                      LinkedHashMap::new));
    }
    if (spec.verifies()) {
      for (Target target : targets.list()) {
        if (!unverified.containsKey(target.id())) {
          targets.record(target, TargetStatus.VERIFIED, targets.commandOf(target), null);
        }
      }
    }
    if (!unverified.isEmpty()) {
      for (Target target : targets.list()) {
        String why = unverified.get(target.id());
        if (why != null) {
          targets.record(target, TargetStatus.ROLLBACK_FAILED, targets.commandOf(target), why);
        }
      }
      return new RollbackResult(false, FailureReason.VERIFY, "verification failed: " + unverified);
    }
    return new RollbackResult(true, null, null);
  }

  /**
   * One SSM command's span (fault.inject or fault.rollback): ends when every instance it addressed
   * has a result, with ERROR status when any of them failed.
   */
  private static final class CommandSpan {
    private final Span span;
    private final FailureReason failReason;
    private int open;
    private String failure;

    CommandSpan(Span span, FailureReason failReason, int instances) {
      this.span = span;
      this.failReason = failReason;
      this.open = instances;
    }

    void done(boolean ok, String detail) {
      if (!ok && failure == null) {
        failure = detail;
      }
      if (--open == 0) {
        end();
      }
    }

    /** Ends a command left without every result (aborted, released or interrupted). */
    void cutShort(FailureReason stoppedBy) {
      if (open <= 0) {
        return;
      }
      open = 0;
      if (stoppedBy != null) {
        span.setAttribute(FaultSpans.REASON_CODE, stoppedBy.name());
        span.addEvent("cut short");
        span.end();
      } else {
        failure = failure == null ? "no result" : failure;
        end();
      }
    }

    private void end() {
      if (failure != null) {
        FaultSpans.fail(span, failReason.name(), brief(failure));
      }
      span.end();
    }
  }

  private Span commandSpan(String name, int instances) {
    Span span = childSpan(name, SpanKind.CLIENT);
    span.setAttribute(FaultSpans.RPC_SYSTEM, "aws-api")
        .setAttribute(FaultSpans.RPC_SERVICE, "SSM")
        .setAttribute(FaultSpans.RPC_METHOD, "SendCommand")
        .setAttribute(FaultSpans.TARGET_COUNT, (long) instances);
    return span;
  }

  /**
   * Sends each call to its targets in batches of at most 50 instances, then polls every invocation
   * with capped exponential backoff until done, timed out, or (when abortable) aborted, in which
   * case the commands still running are cancelled. One span per command.
   */
  private Map<Pending, Invocation> sendAndPoll(
      CommandTransport transport,
      DocumentVersion version,
      Map<DocumentCall, List<Target>> groups,
      boolean abortable,
      TargetStatus okStatus,
      TargetStatus failStatus) {
    boolean injecting = okStatus == TargetStatus.INJECTED;
    String spanName = injecting ? FaultSpans.INJECT : FaultSpans.ROLLBACK;
    FailureReason failReason = injecting ? FailureReason.INJECT : FailureReason.ROLLBACK;
    Map<String, CommandSpan> spans = new LinkedHashMap<>();
    try {
      return sendAndPoll(
          transport, version, groups, abortable, okStatus, failStatus, spanName, failReason, spans);
    } finally {
      // Cut short by an abort, or by the partition moving to another executor (which finishes it).
      FailureReason stoppedBy =
          signal.aborted()
              ? signal.reason()
              : signal.released() ? FailureReason.EXECUTOR_LOST : null;
      spans.values().forEach(span -> span.cutShort(stoppedBy));
    }
  }

  private Map<Pending, Invocation> sendAndPoll(
      CommandTransport transport,
      DocumentVersion version,
      Map<DocumentCall, List<Target>> groups,
      boolean abortable,
      TargetStatus okStatus,
      TargetStatus failStatus,
      String spanName,
      FailureReason failReason,
      Map<String, CommandSpan> spans) {
    List<Pending> pending = new ArrayList<>();
    Map<Pending, Invocation> results = new LinkedHashMap<>();
    String comment = "faultline trace=" + traceId + " fault=" + approval.faultId();
    for (Map.Entry<DocumentCall, List<Target>> group : groups.entrySet()) {
      List<Target> all = group.getValue();
      for (int i = 0; i < all.size(); i += CommandTransport.MAX_INSTANCES_PER_COMMAND) {
        List<Target> batch =
            all.subList(i, Math.min(all.size(), i + CommandTransport.MAX_INSTANCES_PER_COMMAND));
        Span span = commandSpan(spanName, batch.size());
        try {
          String commandId =
              transport.send(
                  version,
                  batch.stream().map(Target::id).toList(),
                  group.getKey().parameters(),
                  comment);
          span.setAttribute(FaultSpans.SSM_COMMAND_ID, commandId);
          spans.put(commandId, new CommandSpan(span, failReason, batch.size()));
          targets.sent(commandId);
          batch.forEach(t -> pending.add(new Pending(commandId, t)));
        } catch (TransportException e) {
          FaultSpans.fail(span, failReason.name(), brief("not sent: " + e.getMessage()));
          span.end();
          for (Target t : batch) {
            Pending p = new Pending(null, t);
            results.put(p, new Invocation(Invocation.Status.FAILED, "not sent: " + e.getMessage()));
            record(p, results.get(p), okStatus, failStatus, spans);
          }
        }
      }
    }
    Backoff backoff = new Backoff(ctx.settings().pollInitial(), ctx.settings().pollMax());
    Instant deadline = Instant.now().plus(ctx.settings().commandTimeout());
    Map<Pending, Integer> errors = new LinkedHashMap<>();
    while (true) {
      for (Pending p : pending) {
        if (results.containsKey(p)) {
          continue;
        }
        try {
          Invocation invocation = transport.invocation(p.commandId(), p.target().id());
          if (invocation.status().done()) {
            results.put(p, invocation);
            record(p, invocation, okStatus, failStatus, spans);
          }
        } catch (TransportException e) {
          if (errors.merge(p, 1, Integer::sum) >= MAX_POLL_ERRORS) {
            Invocation failed =
                new Invocation(Invocation.Status.FAILED, "cannot read: " + e.getMessage());
            results.put(p, failed);
            record(p, failed, okStatus, failStatus, spans);
          }
        }
      }
      if (pending.stream().allMatch(results::containsKey)) {
        return results;
      }
      if (Instant.now().isAfter(deadline)) {
        for (Pending p : pending) {
          if (!results.containsKey(p)) {
            Invocation timedOut =
                new Invocation(
                    Invocation.Status.TIMED_OUT,
                    "no result within " + ctx.settings().commandTimeout().toSeconds() + " s");
            results.put(p, timedOut);
            record(p, timedOut, okStatus, failStatus, spans);
          }
        }
        return results;
      }
      Duration wait = backoff.next();
      if (abortable) {
        if (!signal.await(wait)) {
          if (signal.aborted()) {
            cancel(transport, pending.stream().filter(p -> !results.containsKey(p)).toList());
          }
          return results;
        }
      } else {
        try {
          // Polling backoff during rollback, where an abort must not cut the wait short.
          Thread.sleep(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return results;
        }
      }
    }
  }

  private void cancel(CommandTransport transport, List<Pending> inFlight) {
    for (String commandId : inFlight.stream().map(Pending::commandId).distinct().toList()) {
      try {
        transport.cancel(commandId);
        log.info("cancelled command {} of fault {}", commandId, faultId);
      } catch (TransportException e) {
        // moto (and a throttled SSM) may refuse; rollback runs anyway and the host timer is armed.
        log.warn(
            "CancelCommand {} of fault {} failed, continuing with rollback: {}",
            commandId,
            faultId,
            e.getMessage());
      }
    }
  }

  private void record(
      Pending p,
      Invocation invocation,
      TargetStatus okStatus,
      TargetStatus failStatus,
      Map<String, CommandSpan> spans) {
    boolean ok = invocation.status() == Invocation.Status.SUCCESS;
    String detail = resultDetail(invocation);
    if (!ok && detail == null) {
      detail = invocation.status().name().toLowerCase(java.util.Locale.ROOT);
    }
    CommandSpan span = p.commandId() == null ? null : spans.get(p.commandId());
    if (span != null) {
      span.done(ok, p.target().id() + ": " + detail);
    }
    targets.record(p.target(), ok ? okStatus : failStatus, p.commandId(), detail);
  }

  /** The script's FAULTLINE_RESULT lines (per PID, per rule), else the first output line. */
  private static String resultDetail(Invocation invocation) {
    List<ResultLine> lines = ResultLine.parseAll(invocation.output());
    String detail;
    if (!lines.isEmpty()) {
      detail =
          lines.stream()
              .map(
                  l ->
                      l.fields().entrySet().stream()
                          .map(e -> e.getKey() + "=" + e.getValue())
                          .collect(Collectors.joining(" ")))
              .collect(Collectors.joining("; "));
    } else if (invocation.status() != Invocation.Status.SUCCESS && !invocation.output().isBlank()) {
      detail = invocation.output().strip().lines().findFirst().orElse("");
    } else {
      return null;
    }
    return detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) : detail;
  }

  // ---------------------------------------------------------------- events and journal

  private AccountRequest accountRequest() {
    return new AccountRequest(
        approval.faultId(),
        approval.tenantId(),
        approval.experimentId(),
        approval.accountId(),
        approval.region(),
        approval.access());
  }

  private void emit(
      LifecycleStage stage,
      Phase next,
      FailureReason reason,
      String detail,
      List<TargetOutcome> outcomes) {
    if (signal.released()) {
      throw new Released();
    }
    FaultLifecycleEvent lifecycle =
        new FaultLifecycleEvent(
            approval.faultId(),
            approval.tenantId(),
            approval.experimentId(),
            approval.runId(),
            approval.faultType(),
            approval.accountId(),
            approval.region(),
            stage,
            nextSequence,
            Instant.now(),
            stage.producer(),
            approval.dryRun(),
            approval.parameters().asMap(),
            outcomes,
            targets.commandIds(),
            reason,
            detail == null
                ? null
                : (detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) : detail),
            List.of(),
            traceId);
    nextSequence++;
    phase = next;
    // fault.execute's trace context: subscribers (and takeover) continue the fault's trace.
    ctx.ledger().write(lifecycle, traceparent, entry());
    if (!firstWriteDone) {
      firstWriteDone = true;
      onFirstWrite.accept(null);
    }
    log.info("fault {} {} (seq {})", faultId, stage, lifecycle.sequence());
  }

  /**
   * Publishes the fault's one terminal event. fault.execute ends first (with the stage, the reason
   * and, when FAILED, ERROR status), so a trace backend has it when a subscriber sees the event. An
   * abort or halt is recorded as the reason but is not an error of the fault's run.
   */
  private void terminal(LifecycleStage stage, FailureReason reason, String detail) {
    if (terminal) {
      return;
    }
    if (signal.released()) {
      throw new Released();
    }
    executeSpan.setAttribute(FaultSpans.LIFECYCLE_STAGE, stage.name());
    if (reason != null) {
      executeSpan.setAttribute(FaultSpans.REASON_CODE, reason.name());
    }
    if (stage == LifecycleStage.FAILED) {
      FaultSpans.fail(executeSpan, String.valueOf(reason), brief(detail));
    }
    endExecute();
    emit(stage, Phase.TERMINAL, reason, detail, targets.outcomes());
    terminal = true;
    ctx.metrics().finished(faultType, tenant, stage);
  }

  private void journal() {
    if (signal.released()) {
      throw new Released();
    }
    ctx.ledger().write(null, null, entry());
  }

  private JournalEntry entry() {
    return new JournalEntry(
        approval.faultId().value(),
        approval.tenantId().value(),
        phase,
        nextSequence,
        partition,
        offset,
        traceparent,
        targets.list().stream().map(t -> new JournalTarget(t.id(), t.kind())).toList(),
        targets.commandIds(),
        heading == null ? null : heading.journalForm(),
        ctx.executorId(),
        Instant.now());
  }
}
