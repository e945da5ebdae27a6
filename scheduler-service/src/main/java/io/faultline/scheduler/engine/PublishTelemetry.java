package io.faultline.scheduler.engine;

import io.faultline.events.control.FaultControl;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.topics.Topic;
import io.faultline.events.topics.Topics;
import io.faultline.events.tracing.FaultSpans;
import io.faultline.events.tracing.TraceContexts;
import io.faultline.scheduler.state.RunStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import java.util.Locale;

/**
 * The scheduler's spans and meters for what it publishes: one {@code scheduler.publish} PRODUCER
 * span per fault request or control, continuing the trace of whoever asked for it (the HTTP
 * caller's {@code traceparent}, or the lifecycle event that stopped a run) and otherwise starting a
 * new trace, so every fault of an untraced run has a trace of its own.
 *
 * <p>Spans and counters are side effects outside the engine's Kafka transaction: when a transaction
 * aborts and the input is processed again, the retry records a second span (whose traceparent is
 * the one on the committed request) and counts again. Counts are at-least-once.
 */
final class PublishTelemetry {
  static final String REQUESTS_PUBLISHED = "faultline.scheduler.requests.published";
  static final String RUNS = "faultline.scheduler.runs";

  private final Tracer tracer;
  private final MeterRegistry registry;

  PublishTelemetry(OpenTelemetry openTelemetry, MeterRegistry registry) {
    this.tracer = openTelemetry.getTracer("io.faultline.scheduler");
    this.registry = registry;
  }

  /** No spans, counters nobody reads: for topology tests that do not look at telemetry. */
  static PublishTelemetry none() {
    return new PublishTelemetry(OpenTelemetry.noop(), new SimpleMeterRegistry());
  }

  /** Starts the span of one fault request; the caller ends it once the request is forwarded. */
  Span startRequest(FaultRequested r, String eventId, String parentTraceparent) {
    return builder(Topics.FAULT_REQUESTS, eventId, parentTraceparent)
        .setAttribute(FaultSpans.TENANT_ID, r.tenantId().value())
        .setAttribute(FaultSpans.FAULT_ID, r.faultId().value())
        .setAttribute(FaultSpans.FAULT_TYPE, r.faultType().value())
        .setAttribute(FaultSpans.EXPERIMENT_ID, r.experimentId().value())
        .setAttribute(FaultSpans.RUN_ID, r.runId().value())
        .setAttribute(FaultSpans.CLOUD_PROVIDER, "aws")
        .setAttribute(FaultSpans.CLOUD_ACCOUNT_ID, r.accountId().value())
        .setAttribute(FaultSpans.CLOUD_REGION, r.region().value())
        .setAttribute(FaultSpans.DRY_RUN, r.dryRun())
        .startSpan();
  }

  /** Starts the span of one control; the caller ends it once the control is sent. */
  Span startControl(FaultControl c, String parentTraceparent) {
    SpanBuilder builder =
        builder(Topics.FAULT_CONTROLS, c.controlId(), parentTraceparent)
            .setAttribute(FaultSpans.CONTROL_ACTION, c.action().name());
    if (c.tenantId() != null) {
      builder.setAttribute(FaultSpans.TENANT_ID, c.tenantId().value());
    }
    if (c.faultId() != null) {
      builder.setAttribute(FaultSpans.FAULT_ID, c.faultId().value());
    }
    if (c.runId() != null) {
      builder.setAttribute(FaultSpans.RUN_ID, c.runId().value());
    }
    return builder.startSpan();
  }

  private SpanBuilder builder(Topic<?> topic, String eventId, String parentTraceparent) {
    return tracer
        .spanBuilder(FaultSpans.SCHEDULER_PUBLISH)
        // An explicit parent: the root context when there is none, never whatever is current.
        .setParent(TraceContexts.extract(parentTraceparent))
        .setSpanKind(SpanKind.PRODUCER)
        .setAttribute(FaultSpans.MESSAGING_SYSTEM, "kafka")
        .setAttribute(FaultSpans.MESSAGING_OPERATION, "send")
        .setAttribute(FaultSpans.MESSAGING_DESTINATION, topic.name())
        .setAttribute(FaultSpans.MESSAGING_MESSAGE_ID, eventId);
  }

  /**
   * The traceparent to put on the published event: the span's, or the parent's when the span does
   * not record (tracing off), so a trace that reached the scheduler still continues.
   */
  static String traceparent(Span span, String parentTraceparent) {
    String own = TraceContexts.traceparentOf(span);
    return own != null ? own : parentTraceparent;
  }

  void requestPublished(String tenantId) {
    Counter.builder(REQUESTS_PUBLISHED)
        .description("Fault requests the scheduler published (waves of runs)")
        .tag("tenant", tenantId)
        .register(registry)
        .increment();
  }

  /** A run reached a final status (completed, failed, aborted), or a fire could not start one. */
  void runEnded(String tenantId, String outcome) {
    Counter.builder(RUNS)
        .description("Runs that ended, by outcome (completed, failed, aborted, not_started)")
        .tag("tenant", tenantId)
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }

  void runEnded(String tenantId, RunStatus status) {
    runEnded(tenantId, status.name().toLowerCase(Locale.ROOT));
  }
}
