package io.faultline.executor.run;

import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.decision.FaultApproved;
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.topics.Topics;
import io.faultline.events.tracing.FaultSpans;
import io.faultline.events.tracing.TraceContexts;
import io.faultline.executor.lifecycle.JournalEntry;
import io.faultline.executor.observability.ExecutorMetrics;
import io.faultline.telemetry.FaultLogContext;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.HexFormat;
import java.util.random.RandomGenerator;

/**
 * A fault's trace: its {@code fault.execute} span (continuing the approval's trace), a child span
 * and a timer per phase, a span per SSM command, and the trace and span ids its log lines carry.
 */
final class FaultTrace {
  private static final int MAX_STATUS = 300;
  private static final String PHASE_PREFIX = "fault.";
  private static final AttributeKey<String> LOST_EXECUTOR =
      AttributeKey.stringKey("faultline.executor.lost");

  private final Tracer tracer;
  private final ExecutorMetrics metrics;
  private final FaultApproved approval;
  private final String tenant;
  private final String faultId;
  private final String faultType;

  /** fault.execute; invalid until the run starts (and when tracing is off). */
  private volatile Span execute = Span.getInvalid();

  /** The span whose ids the fault's log lines carry (fault.execute, or the trace kept without). */
  private volatile Span logSpan;

  private boolean ended;
  private String traceparent;
  private String traceId;

  FaultTrace(Tracer tracer, ExecutorMetrics metrics, FaultApproved approval) {
    this.tracer = tracer;
    this.metrics = metrics;
    this.approval = approval;
    this.tenant = approval.tenantId().value();
    this.faultId = approval.faultId().value();
    this.faultType = approval.faultType().value();
  }

  /**
   * Starts fault.execute as a child of the approval's trace context (on takeover: the approval's,
   * else the journal's, linked to the lost executor's span), so every event of the fault shares one
   * trace id. Without tracing the approval's (or journal's) trace id is kept, or one is made.
   */
  void start(
      FaultlineEvent<FaultApproved> event, JournalEntry recoveredFrom, RandomGenerator random) {
    String journaled = recoveredFrom == null ? null : recoveredFrom.traceparent();
    FaultlineEvent<FaultApproved> parent =
        TraceContexts.isValid(event.traceparent()) || !TraceContexts.isValid(journaled)
            ? event
            : event.withTraceparent(journaled);
    SpanBuilder builder =
        FaultSpans.continuing(
                tracer, FaultSpans.FAULT_EXECUTE, parent, Topics.FAULT_APPROVALS.name())
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
    execute = span;
    String own = TraceContexts.traceparentOf(span);
    if (own != null) {
      traceparent = own;
    } else if (TraceContexts.isValid(parent.traceparent())) {
      traceparent = parent.traceparent();
    } else {
      HexFormat hex = HexFormat.of();
      traceparent =
          "00-"
              + hex.toHexDigits(random.nextLong())
              + hex.toHexDigits(random.nextLong())
              + "-"
              + hex.toHexDigits(random.nextLong())
              + "-01";
    }
    traceId = TraceContexts.traceId(traceparent).orElseThrow();
    logSpan =
        span.getSpanContext().isValid()
            ? span
            : Span.fromContext(TraceContexts.extract(traceparent));
  }

  /** fault.execute's W3C context: events and the journal carry it, so others continue the trace. */
  String traceparent() {
    return traceparent;
  }

  String traceId() {
    return traceId;
  }

  /** fault.execute, for events and attributes of the whole fault. */
  Span execute() {
    return execute;
  }

  /** Stamps the fault on log lines; callable from any thread. */
  FaultLogContext logContext() {
    return FaultLogContext.open(tenant, faultId, logSpan);
  }

  /**
   * Ends fault.execute with the terminal stage and reason (ERROR status when FAILED). An abort or
   * halt is recorded as the reason but is not an error of the fault's run.
   */
  void end(LifecycleStage stage, FailureReason reason, String detail) {
    execute.setAttribute(FaultSpans.LIFECYCLE_STAGE, stage.name());
    if (reason != null) {
      execute.setAttribute(FaultSpans.REASON_CODE, reason.name());
    }
    if (stage == LifecycleStage.FAILED) {
      FaultSpans.fail(execute, String.valueOf(reason), brief(detail));
    }
    end();
  }

  void end() {
    if (!ended) {
      ended = true;
      execute.end();
    }
  }

  PhaseSpan phase(String spanName) {
    return new PhaseSpan(spanName, SpanKind.INTERNAL);
  }

  PhaseSpan phase(String spanName, SpanKind kind) {
    return new PhaseSpan(spanName, kind);
  }

  /**
   * A phase spent parked without a thread (the hold): its span is never current on any thread, and
   * ends when the fault is resumed.
   */
  ParkedPhase parked(String spanName) {
    return new ParkedPhase(spanName);
  }

  /** Times a phase that has no span of its own (inject and rollback have one per command). */
  void timed(String spanName, boolean ok, long startedNanos) {
    metrics.phase(
        spanName.substring(PHASE_PREFIX.length()),
        faultType,
        ok,
        Duration.ofNanos(System.nanoTime() - startedNanos));
  }

  /** Counts a CancelCommand call for an inject given up on (cause: TIMEOUT, ABORTED, HALTED). */
  void cancelled(FailureReason cause, boolean accepted) {
    metrics.commandCancel(faultType, cause.name(), accepted);
  }

  /** Counts how a given-up inject ended, and whether its target was rolled back again. */
  void lateInject(String end, boolean rolledBackAgain) {
    metrics.lateInject(faultType, end, rolledBackAgain);
  }

  /** An SSM SendCommand span (fault.inject or fault.rollback); the caller ends it. */
  Span command(String spanName, int instances) {
    return child(spanName, SpanKind.CLIENT)
        .setAttribute(FaultSpans.RPC_SYSTEM, "aws-api")
        .setAttribute(FaultSpans.RPC_SERVICE, "SSM")
        .setAttribute(FaultSpans.RPC_METHOD, "SendCommand")
        .setAttribute(FaultSpans.TARGET_COUNT, (long) instances);
  }

  /** A span status message short enough for any trace backend. */
  static String brief(String message) {
    String text = message == null ? "" : message;
    return text.length() > MAX_STATUS ? text.substring(0, MAX_STATUS) : text;
  }

  private Span child(String name, SpanKind kind) {
    return tracer
        .spanBuilder(name)
        .setParent(Context.current().with(execute))
        .setSpanKind(kind)
        .startSpan();
  }

  /** One phase of the fault: a child span of fault.execute, its log context and its timer. */
  final class PhaseSpan implements AutoCloseable {
    private final String phaseName;
    private final Span span;
    private final Scope scope;
    private final FaultLogContext logs;
    private final long started = System.nanoTime();
    private boolean failed;

    private PhaseSpan(String spanName, SpanKind kind) {
      this.phaseName = spanName.substring(PHASE_PREFIX.length());
      this.span = child(spanName, kind);
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
      metrics.phase(phaseName, faultType, !failed, Duration.ofNanos(System.nanoTime() - started));
    }
  }

  /** A phase span opened on one thread and ended on another: no scope, no log context. */
  final class ParkedPhase {
    private final String phaseName;
    private final Span span;
    private final long started = System.nanoTime();

    private ParkedPhase(String spanName) {
      this.phaseName = spanName.substring(PHASE_PREFIX.length());
      this.span = child(spanName, SpanKind.INTERNAL);
    }

    /** Ends the phase; {@code stoppedBy} when an abort or halt cut it short (not a failure). */
    void end(FailureReason stoppedBy) {
      if (stoppedBy != null) {
        span.setAttribute(FaultSpans.REASON_CODE, stoppedBy.name());
      }
      span.end();
      metrics.phase(phaseName, faultType, true, Duration.ofNanos(System.nanoTime() - started));
    }
  }
}
