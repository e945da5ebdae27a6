package io.faultline.policy.admission;

import static io.faultline.policy.PolicyExamples.policy;
import static io.faultline.policy.PolicyExamples.processKill;
import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.decision.FaultApproved;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.tracing.FaultSpans;
import io.faultline.events.tracing.TraceContexts;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every decision is a {@code policy.decide} span in the fault's trace, and is counted. */
class DecisionTracingTest {
  static final String T = "acme";
  static final String A = "111111111111";
  static final String CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String CALLER_SPAN = "00f067aa0ba902b7";
  static final String TRACEPARENT = "00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01";

  final InMemorySpanExporter spans = InMemorySpanExporter.create();
  final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(spans))
                  .build())
          .build();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final AdmissionDriver driver =
      new AdmissionDriver(
          new AdmissionSettings(3, Duration.ofMinutes(5), Duration.ofSeconds(1)),
          AdmissionDriver.START,
          new AdmissionTelemetry(sdk, registry));

  @AfterEach
  void close() {
    driver.close();
    sdk.close();
  }

  @Test
  void anApprovalContinuesThePublishersTraceAndCarriesTheDecisionSpan() {
    driver.policy(policy(T, A));
    driver.request(processKill(T, "f-traced", A, "i-0123456789abcdef0"), TRACEPARENT);

    SpanData decide = onlySpan();
    assertThat(decide.getName()).isEqualTo("policy.decide");
    assertThat(decide.getKind()).isEqualTo(SpanKind.CONSUMER);
    assertThat(decide.getTraceId()).isEqualTo(CALLER_TRACE);
    assertThat(decide.getParentSpanId()).isEqualTo(CALLER_SPAN);
    assertThat(decide.getAttributes().get(FaultSpans.DECISION)).isEqualTo("APPROVED");
    assertThat(decide.getAttributes().get(FaultSpans.TENANT_ID)).isEqualTo(T);
    assertThat(decide.getAttributes().get(FaultSpans.FAULT_ID)).isEqualTo("f-traced");
    assertThat(decide.getAttributes().get(FaultSpans.FAULT_TYPE)).isEqualTo("ec2-process-kill");
    assertThat(decide.getAttributes().get(FaultSpans.CLOUD_ACCOUNT_ID)).isEqualTo(A);
    assertThat(decide.getAttributes().get(FaultSpans.CLOUD_REGION)).isEqualTo("eu-west-1");
    assertThat(decide.getAttributes().get(FaultSpans.MESSAGING_SYSTEM)).isEqualTo("kafka");
    assertThat(decide.getAttributes().get(FaultSpans.REASON_CODE)).isNull();
    assertThat(decide.getEvents())
        .isNotEmpty()
        .allSatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("rule");
              assertThat(e.getAttributes().get(FaultSpans.RULE_OUTCOME)).isEqualTo("passed");
            });

    String decisionContext = "00-" + CALLER_TRACE + "-" + decide.getSpanId() + "-01";
    List<FaultlineEvent<FaultApproved>> approvals = driver.approvalEvents();
    assertThat(approvals)
        .singleElement()
        .satisfies(a -> assertThat(a.traceparent()).isEqualTo(decisionContext));
    assertThat(driver.lifecycleEvents())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.traceparent()).isEqualTo(decisionContext);
              assertThat(e.data().traceId()).isEqualTo(CALLER_TRACE);
            });
    assertThat(counted("approved", "none")).isEqualTo(1.0);
  }

  @Test
  void anUntracedRequestStartsTheFaultsTraceAtTheDecision() {
    driver.policy(policy(T, A));
    driver.request(processKill(T, "f-untraced", A, "i-0123456789abcdef0"));

    SpanData decide = onlySpan();
    assertThat(decide.getParentSpanContext().isValid()).as("a root span").isFalse();
    FaultlineEvent<FaultApproved> approval = driver.approvalEvents().get(0);
    assertThat(approval.traceparent()).isEqualTo(TraceContexts.traceparentOf(spanOf(decide)));
    FaultLifecycleEvent approved = driver.lifecycle().get(0);
    assertThat(approved.traceId()).isEqualTo(decide.getTraceId());
  }

  @Test
  void aRejectionNamesItsReasonOnTheSpanAndInTheMetrics() {
    driver.policy(policy(T, A));
    driver.request(processKill(T, "f-foreign", "999999999999", "i-0123456789abcdef0"), TRACEPARENT);

    SpanData decide = onlySpan();
    assertThat(decide.getAttributes().get(FaultSpans.DECISION)).isEqualTo("REJECTED");
    assertThat(decide.getAttributes().get(FaultSpans.REASON_CODE)).isEqualTo("ACCOUNT_NOT_OWNED");
    assertThat(decide.getEvents())
        .extracting(EventData::getAttributes)
        .anySatisfy(
            a -> {
              assertThat(a.get(FaultSpans.RULE_CODE)).isEqualTo("ACCOUNT_NOT_OWNED");
              assertThat(a.get(FaultSpans.RULE_OUTCOME)).isEqualTo("failed");
            });
    assertThat(driver.lifecycleEvents().get(0).traceparent()).contains(decide.getSpanId());
    assertThat(counted("rejected", "ACCOUNT_NOT_OWNED")).isEqualTo(1.0);
    assertThat(counted("approved", "none")).isZero();
  }

  @Test
  void tenantsWithoutAPolicyShareOneMetricLabelSoPublishersCannotGrowTheMetrics() {
    for (int i = 0; i < 5; i++) {
      driver.request(processKill("nobody-" + i, "f-" + i, A, "i-0123456789abcdef0"));
    }

    assertThat(
            registry
                .get("faultline.policy.decisions")
                .tags("reason", "UNKNOWN_TENANT", "tenant", AdmissionTelemetry.UNREGISTERED)
                .counter()
                .count())
        .isEqualTo(5.0);
    assertThat(registry.find("faultline.policy.decisions").tag("tenant", "nobody-0").counters())
        .isEmpty();
  }

  @Test
  void activeLeasesAndLatencyAreMeasured() {
    driver.policy(policy(T, A));
    driver.request(processKill(T, "f-1", A, "i-0123456789abcdef0"));
    driver.request(processKill(T, "f-2", A, "i-0123456789abcdef1"));
    assertThat(registry.get("faultline.policy.active.leases").gauge().value()).isEqualTo(2.0);
    assertThat(registry.get("faultline.policy.decision.latency").timer().count()).isEqualTo(2);
    driver.executor(T, "f-1", io.faultline.events.lifecycle.LifecycleStage.COMPLETED, 5);
    assertThat(registry.get("faultline.policy.active.leases").gauge().value()).isEqualTo(1.0);
  }

  private SpanData onlySpan() {
    List<SpanData> finished = spans.getFinishedSpanItems();
    assertThat(finished).hasSize(1);
    return finished.get(0);
  }

  private static io.opentelemetry.api.trace.Span spanOf(SpanData data) {
    return io.opentelemetry.api.trace.Span.wrap(data.getSpanContext());
  }

  private double counted(String outcome, String reason) {
    var counter =
        registry
            .find("faultline.policy.decisions")
            .tags("outcome", outcome, "reason", reason, "tenant", T)
            .counter();
    return counter == null ? 0.0 : counter.count();
  }
}
