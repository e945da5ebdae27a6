package io.faultline.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.faultline.events.TopicTap;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.control.FaultControl;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.topics.Topics;
import io.faultline.events.tracing.FaultSpans;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The scheduler's {@code scheduler.publish} spans on a real broker, recorded by an in-memory
 * exporter: the HTTP caller's trace continues into one span per fault request, whose traceparent
 * the published request carries; without a caller's trace every fault gets a trace of its own.
 */
@ExtendWith(SharedScheduler.class)
class TracingIT {
  private static SchedulerInstance app;
  private static TopicTap<FaultRequested> requests;
  private static TopicTap<FaultControl> controls;

  @BeforeAll
  static void start() {
    app = SharedScheduler.get();
    requests = new TopicTap<>(Topics.FAULT_REQUESTS);
    controls = new TopicTap<>(Topics.FAULT_CONTROLS);
  }

  @AfterAll
  static void stop() {
    requests.close();
    controls.close();
  }

  private record Started(String tenant, Http http, String experimentId, String runId) {}

  /** Run now of a two-target experiment; its first wave publishes two fault requests. */
  private static Started runNow(String traceparent) {
    String tenant = SharedScheduler.newTenant();
    Http op = app.http(tenant, "operator");
    String exp =
        op.post("/api/v1/tenants/" + tenant + "/experiments", WaveIT.rollout())
            .body()
            .path("experimentId")
            .asText();
    Http caller = traceparent == null ? op : op.traced(traceparent);
    Http.Response started =
        caller.post("/api/v1/tenants/" + tenant + "/experiments/" + exp + "/runs", null);
    assertThat(started.status()).isEqualTo(202);
    return new Started(tenant, op, exp, started.body().path("runId").asText());
  }

  private static List<FaultlineEvent<FaultRequested>> awaitRequests(String tenant, int count) {
    List<FaultlineEvent<FaultRequested>> found = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              found.clear();
              found.addAll(requests.envelopes(r -> r.tenantId().value().equals(tenant)));
              assertThat(found).hasSize(count);
            });
    return found;
  }

  private static List<SpanData> publishSpans(String tenant, String topic) {
    return app.spans.getFinishedSpanItems().stream()
        .filter(s -> s.getName().equals(FaultSpans.SCHEDULER_PUBLISH))
        .filter(s -> tenant.equals(s.getAttributes().get(FaultSpans.TENANT_ID)))
        .filter(s -> topic.equals(s.getAttributes().get(FaultSpans.MESSAGING_DESTINATION)))
        .toList();
  }

  private static List<SpanData> awaitPublishSpans(String tenant, String topic, int count) {
    List<SpanData> found = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              found.clear();
              found.addAll(publishSpans(tenant, topic));
              assertThat(found).hasSize(count);
            });
    return found;
  }

  private static String traceparentOf(SpanData span) {
    // New roots carry the W3C "random trace id" flag too (03), children keep the caller's flags.
    return "00-"
        + span.getTraceId()
        + "-"
        + span.getSpanId()
        + "-"
        + span.getSpanContext().getTraceFlags().asHex();
  }

  private static String randomHex(int length) {
    return UUID.randomUUID().toString().replace("-", "").repeat(2).substring(0, length);
  }

  @Test
  void runNowWithATraceparentPublishesEachRequestUnderAChildSpanOfTheCaller() {
    String callerTrace = randomHex(32);
    String callerSpan = randomHex(16);
    Started s = runNow("00-" + callerTrace + "-" + callerSpan + "-01");

    List<FaultlineEvent<FaultRequested>> published = awaitRequests(s.tenant(), 2);
    List<SpanData> spans = awaitPublishSpans(s.tenant(), Topics.FAULT_REQUESTS.name(), 2);

    Map<String, SpanData> byFault =
        spans.stream()
            .collect(
                Collectors.toMap(
                    span -> span.getAttributes().get(FaultSpans.FAULT_ID), Function.identity()));
    assertThat(byFault).containsOnlyKeys(s.runId() + ".w0.t0", s.runId() + ".w0.t1");
    for (SpanData span : spans) {
      assertThat(span.getKind()).isEqualTo(SpanKind.PRODUCER);
      assertThat(span.getTraceId()).isEqualTo(callerTrace);
      assertThat(span.getParentSpanContext().isRemote()).isTrue();
      assertThat(span.getParentSpanId()).isEqualTo(callerSpan);
      assertThat(span.getAttributes().get(FaultSpans.MESSAGING_SYSTEM)).isEqualTo("kafka");
      assertThat(span.getAttributes().get(FaultSpans.MESSAGING_OPERATION)).isEqualTo("send");
      assertThat(span.getAttributes().get(FaultSpans.FAULT_TYPE)).isEqualTo("ec2-process-kill");
      assertThat(span.getAttributes().get(FaultSpans.EXPERIMENT_ID)).isEqualTo(s.experimentId());
      assertThat(span.getAttributes().get(FaultSpans.RUN_ID)).isEqualTo(s.runId());
      assertThat(span.getAttributes().get(FaultSpans.CLOUD_REGION)).isEqualTo("eu-west-1");
    }
    assertThat(spans)
        .extracting(span -> span.getAttributes().get(FaultSpans.CLOUD_ACCOUNT_ID))
        .containsExactlyInAnyOrder("111111111111", "222222222222");
    for (FaultlineEvent<FaultRequested> request : published) {
      SpanData span = byFault.get(request.data().faultId().value());
      assertThat(span.getAttributes().get(FaultSpans.MESSAGING_MESSAGE_ID)).isEqualTo(request.id());
      assertThat(span.getAttributes().get(FaultSpans.CLOUD_ACCOUNT_ID))
          .isEqualTo(request.data().accountId().value());
      // The policy service's decision becomes a child of this span.
      assertThat(request.traceparent()).isEqualTo(traceparentOf(span));
    }
  }

  @Test
  void runNowWithoutATraceparentStartsANewTraceForEachFault() {
    Started s = runNow(null);

    List<FaultlineEvent<FaultRequested>> published = awaitRequests(s.tenant(), 2);
    List<SpanData> spans = awaitPublishSpans(s.tenant(), Topics.FAULT_REQUESTS.name(), 2);

    assertThat(spans)
        .allSatisfy(span -> assertThat(span.getParentSpanContext().isValid()).isFalse());
    assertThat(spans).extracting(SpanData::getTraceId).doesNotHaveDuplicates();
    assertThat(published)
        .extracting(FaultlineEvent::traceparent)
        .containsExactlyInAnyOrderElementsOf(spans.stream().map(TracingIT::traceparentOf).toList());
  }

  @Test
  void abortingARunPublishesItsControlUnderTheCallersTrace() {
    Started s = runNow(null);
    awaitRequests(s.tenant(), 2);
    String callerTrace = randomHex(32);
    String callerSpan = randomHex(16);

    Http.Response aborted =
        s.http()
            .traced("00-" + callerTrace + "-" + callerSpan + "-01")
            .post(
                "/api/v1/tenants/" + s.tenant() + "/runs/" + s.runId() + "/abort",
                Map.of("reason", "traced abort"));
    assertThat(aborted.status()).isEqualTo(202);

    SpanData span = awaitPublishSpans(s.tenant(), Topics.FAULT_CONTROLS.name(), 1).getFirst();
    assertThat(span.getTraceId()).isEqualTo(callerTrace);
    assertThat(span.getParentSpanId()).isEqualTo(callerSpan);
    assertThat(span.getAttributes().get(FaultSpans.RUN_ID)).isEqualTo(s.runId());
    List<FaultlineEvent<FaultControl>> control = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              control.clear();
              control.addAll(
                  controls.envelopes(
                      c -> c.runId() != null && c.runId().value().equals(s.runId())));
              assertThat(control).hasSize(1);
            });
    assertThat(control.getFirst().traceparent()).isEqualTo(traceparentOf(span));
  }
}
