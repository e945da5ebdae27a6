package io.faultline.events.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.faultline.events.Fixtures;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.ids.FaultId;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.topics.Topics;
import io.faultline.events.tracing.TraceContexts;
import io.faultline.events.validation.ContractViolationException;
import io.faultline.testsupport.TestKafka;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FaultRequestPublisherIT {
  private static final String TRACEPARENT =
      "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

  @BeforeAll
  static void topics() {
    TestKafka.createTopics(List.of(Topics.FAULT_REQUESTS.newTopic((short) 1)));
  }

  @Test
  void publishesARequestKeyedByTenantWithTheFaultIdAsEventId() {
    FaultRequested request =
        Fixtures.aRequest(
            "f-pub-" + UUID.randomUUID(), "ecs-agent-stop", Map.of("CLUSTER_NAME", "checkout"));
    try (FaultRequestPublisher publisher =
        FaultRequestPublisher.connect(
            TestKafka.bootstrapServers(), URI.create("/pipelines/test"))) {
      RecordMetadata sent = publisher.publish(request, TRACEPARENT).join();
      assertThat(sent.topic()).isEqualTo(Topics.FAULT_REQUESTS.name());
      publisher.publish(request, TRACEPARENT).join();
    }

    List<FaultlineEvent<FaultRequested>> events = readFault(request.faultId(), 2);
    assertThat(events).hasSize(2);
    assertThat(events)
        .allSatisfy(
            event -> {
              assertThat(event.id()).isEqualTo(request.faultId().value());
              assertThat(event.data()).isEqualTo(request);
              assertThat(event.traceparent()).isEqualTo(TRACEPARENT);
            });
  }

  @Test
  void refusesAnInvalidRequestBeforeSendingIt() {
    FaultRequested request =
        Fixtures.aRequest(
            "f-pub-" + UUID.randomUUID(), "ecs-agent-stop", Map.of("CLUSTER_NAME", "checkout"));
    FaultRequested withoutRequester =
        new FaultRequested(
            request.faultId(),
            request.tenantId(),
            request.experimentId(),
            request.runId(),
            request.faultType(),
            request.accountId(),
            request.region(),
            request.parameters(),
            false,
            "",
            request.requestedAt(),
            null);
    try (FaultRequestPublisher publisher =
        FaultRequestPublisher.connect(
            TestKafka.bootstrapServers(), URI.create("/pipelines/test"))) {
      assertThatThrownBy(() -> publisher.publish(withoutRequester))
          .isInstanceOfSatisfying(
              ContractViolationException.class,
              e -> assertThat(e.has("$.requestedBy", "minLength")).isTrue());
    }
  }

  @Test
  void continuesTheCallersTraceWithAProducerSpan() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    OpenTelemetrySdk otel =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .build();
    FaultRequested request =
        Fixtures.aRequest(
            "f-pub-" + UUID.randomUUID(), "ecs-agent-stop", Map.of("CLUSTER_NAME", "checkout"));
    Span caller = otel.getTracer("test").spanBuilder("deploy pipeline").startSpan();
    try (var producer =
            new KafkaProducer<String, byte[]>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer());
        FaultRequestPublisher publisher =
            new FaultRequestPublisher(producer, URI.create("/pipelines/test"), otel);
        Scope ignored = caller.makeCurrent()) {
      publisher.publish(request).join();
    } finally {
      caller.end();
    }

    FaultlineEvent<FaultRequested> event = readFault(request.faultId(), 1).getFirst();
    String traceId = caller.getSpanContext().getTraceId();
    assertThat(TraceContexts.traceId(event.traceparent())).contains(traceId);
    SpanData publish =
        spans.getFinishedSpanItems().stream()
            .filter(s -> s.getKind() == SpanKind.PRODUCER)
            .findFirst()
            .orElseThrow();
    assertThat(publish.getTraceId()).isEqualTo(traceId);
    assertThat(publish.getParentSpanId()).isEqualTo(caller.getSpanContext().getSpanId());
    assertThat(publish.getAttributes().get(AttributeKey.stringKey("faultline.fault.id")))
        .isEqualTo(request.faultId().value());
    assertThat(event.traceparent()).contains(publish.getSpanId());
  }

  @Test
  void leavesTraceContextOutWhenThereIsNone() {
    FaultRequested request =
        Fixtures.aRequest(
            "f-pub-" + UUID.randomUUID(), "ecs-agent-stop", Map.of("CLUSTER_NAME", "checkout"));
    try (FaultRequestPublisher publisher =
        FaultRequestPublisher.connect(
            TestKafka.bootstrapServers(), URI.create("/pipelines/test"))) {
      publisher.publish(request).join();
    }
    assertThat(readFault(request.faultId(), 1).getFirst().traceparent()).isNull();
  }

  private static List<FaultlineEvent<FaultRequested>> readFault(FaultId faultId, int expected) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            TestKafka.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG,
            "publisher-it-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest");
    List<FaultlineEvent<FaultRequested>> events = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(Topics.FAULT_REQUESTS.name()));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                for (ConsumerRecord<String, byte[]> record :
                    consumer.poll(Duration.ofMillis(200))) {
                  if (faultId
                      .value()
                      .equals(
                          record.headers().lastHeader("ce_subject") == null
                              ? null
                              : new String(record.headers().lastHeader("ce_subject").value()))) {
                    events.add(
                        EventCodec.standard()
                            .decode(
                                Topics.FAULT_REQUESTS,
                                record.key(),
                                record.headers(),
                                record.value()));
                  }
                }
                return events.size() >= expected;
              });
    }
    return events;
  }
}
