package io.faultline.policy.admission;

import io.faultline.events.decision.RuleOutcome;
import io.faultline.events.tracing.FaultSpans;
import io.faultline.events.tracing.TraceContexts;
import io.faultline.telemetry.kafka.ConsumerLiveness;
import io.faultline.telemetry.kafka.PoisonRecords;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What admission tells about itself: a {@code policy.decide} span per decision, continuing the
 * request's trace (or starting the fault's trace when the request carried none), and the decision
 * metrics. Spans are not transactional: a decision retried after an aborted transaction records a
 * second span, and the approval carries the one that committed.
 */
public final class AdmissionTelemetry {
  private final Tracer tracer;
  private final MeterRegistry registry;
  private final Timer latency;
  private final AtomicInteger activeLeases = new AtomicInteger();
  // Looked up once per (outcome, reason, tenant): registering per decision costs more than
  // deciding.
  private final Map<String, Counter> decisionCounters = new ConcurrentHashMap<>();
  private final PoisonRecords poison;
  private final ConsumerLiveness liveness;

  public AdmissionTelemetry(OpenTelemetry openTelemetry, MeterRegistry registry) {
    this.tracer = openTelemetry.getTracer("io.faultline.policy");
    this.registry = registry;
    this.poison = new PoisonRecords(AdmissionTopology.PRODUCER, registry);
    this.liveness = new ConsumerLiveness(AdmissionTopology.PRODUCER, registry);
    this.latency =
        Timer.builder("faultline.policy.decision.latency")
            .description("From the request's Kafka timestamp to its decision")
            .publishPercentileHistogram()
            .maximumExpectedValue(Duration.ofSeconds(30))
            .register(registry);
    Gauge.builder("faultline.policy.active.leases", activeLeases, AtomicInteger::get)
        .description("Faults approved and not yet ended, released or expired")
        .register(registry);
  }

  /** No spans, no metrics: for tests of the rules alone. */
  public static AdmissionTelemetry none() {
    return new AdmissionTelemetry(OpenTelemetry.noop(), new CompositeMeterRegistry());
  }

  /** Records the service skipped as unreadable ({@code faultline_poison_records_total}). */
  public PoisonRecords poison() {
    return poison;
  }

  /** Whether intake and admission run ({@code faultline_consumer_running}). */
  public ConsumerLiveness liveness() {
    return liveness;
  }

  MeterRegistry registry() {
    return registry;
  }

  /** Opens the decision span for a request read from {@code topic}. */
  Span startDecision(String tenantId, String faultId, String traceparent, String topic) {
    return tracer
        .spanBuilder(FaultSpans.POLICY_DECIDE)
        .setParent(TraceContexts.extract(traceparent))
        .setSpanKind(SpanKind.CONSUMER)
        .setAttribute(FaultSpans.MESSAGING_SYSTEM, "kafka")
        .setAttribute(FaultSpans.MESSAGING_OPERATION, "process")
        .setAttribute(FaultSpans.MESSAGING_DESTINATION, topic)
        .setAttribute(FaultSpans.MESSAGING_MESSAGE_ID, faultId)
        .setAttribute(FaultSpans.TENANT_ID, tenantId)
        .setAttribute(FaultSpans.FAULT_ID, faultId)
        .startSpan();
  }

  /** The metric label of every tenant without a policy (requests naming unknown tenants). */
  public static final String UNREGISTERED = "_unregistered";

  /**
   * Records a decision on its span and in the metrics; does not end the span.
   *
   * @param tenantLabel the tenant's metric label: its id, or {@link #UNREGISTERED}
   */
  void decided(
      Span span,
      String tenantId,
      String tenantLabel,
      boolean approved,
      List<RuleOutcome> rules,
      long requestedAtMs,
      long nowMs) {
    String reason =
        rules.stream()
            .filter(r -> !r.passed())
            .map(r -> r.code().name())
            .findFirst()
            .orElse("none");
    span.setAttribute(FaultSpans.DECISION, approved ? "APPROVED" : "REJECTED");
    if (!approved) {
      span.setAttribute(FaultSpans.REASON_CODE, reason);
    }
    for (RuleOutcome rule : span.isRecording() ? rules : List.<RuleOutcome>of()) {
      span.addEvent(
          "rule",
          Attributes.of(
              FaultSpans.RULE_CODE,
              rule.code() == null ? rule.rule() : rule.code().name(),
              FaultSpans.RULE_OUTCOME,
              rule.passed() ? "passed" : "failed"));
    }
    String outcome = approved ? "approved" : "rejected";
    decisionCounters
        .computeIfAbsent(
            outcome + '/' + reason + '/' + tenantLabel,
            key ->
                Counter.builder("faultline.policy.decisions")
                    .description("Admission decisions by outcome and first failed rule")
                    .tag("outcome", outcome)
                    .tag("reason", reason)
                    .tag("tenant", tenantLabel)
                    .register(registry))
        .increment();
    long waited = nowMs - requestedAtMs;
    if (requestedAtMs > 0 && waited >= 0) {
      latency.record(Duration.ofMillis(waited));
    }
  }

  void activeLeases(int count) {
    activeLeases.set(count);
  }

  /**
   * Counts a request refused before any rule because it is not its tenant's ({@code
   * faultline_policy_requests_refused_total{reason,tenant}}; only registered tenants are refused,
   * so the tenant label stays bounded).
   */
  void refused(String tenantId, String reason) {
    decisionCounters
        .computeIfAbsent(
            "refused/" + reason + '/' + tenantId,
            key ->
                Counter.builder("faultline.policy.requests.refused")
                    .description(
                        "Requests refused unauthenticated (dead-lettered, not decided), by reason")
                    .tag("reason", reason)
                    .tag("tenant", tenantId)
                    .register(registry))
        .increment();
  }
}
