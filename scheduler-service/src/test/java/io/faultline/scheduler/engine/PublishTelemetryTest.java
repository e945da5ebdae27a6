package io.faultline.scheduler.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.control.FaultControl;
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.topics.Topic;
import io.faultline.events.topics.Topics;
import io.faultline.events.tracing.FaultSpans;
import io.faultline.events.tracing.TraceContexts;
import io.faultline.scheduler.state.CommandKind;
import io.faultline.scheduler.state.Experiment;
import io.faultline.scheduler.state.MissedFirePolicy;
import io.faultline.scheduler.state.Schedule;
import io.faultline.scheduler.state.SchedulerCommand;
import io.faultline.scheduler.state.SchedulerTopics;
import io.faultline.scheduler.state.StateJson;
import io.faultline.scheduler.state.Target;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The engine's spans and counters with TopologyTestDriver: paths the HTTP tests do not reach
 * (scheduled fires, a run stopped by a failed fault, a fire without its experiment).
 */
class PublishTelemetryTest {
  private static final Instant T0 = Instant.parse("2030-01-07T08:02:00Z");
  private static final Instant FIRE = Instant.parse("2030-01-07T08:05:00Z");
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(spans))
                  .build())
          .build();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private Instant now = T0;
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> commands;

  @BeforeEach
  void start() {
    Properties config = new Properties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, "telemetry-test");
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    Clock clock =
        new Clock() {
          @Override
          public Instant instant() {
            return now;
          }

          @Override
          public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }
        };
    driver =
        new TopologyTestDriver(
            SchedulerTopology.build(
                clock,
                new EngineSettings(
                    Duration.ofMillis(100), Duration.ofMinutes(1), true, SchedulerTopics.COMMANDS),
                new PublishTelemetry(sdk, registry)),
            config,
            T0);
    commands =
        driver.createInputTopic(
            SchedulerTopics.COMMANDS, new StringSerializer(), new ByteArraySerializer());
  }

  @AfterEach
  void stop() {
    driver.close();
    sdk.close();
  }

  private static Experiment twoTargets() {
    return new Experiment(
        "acme",
        "e1",
        "kill",
        "ec2-process-kill",
        Map.of("PROCESS_IDS", "1234", "EC2_INSTANCE_TAG", "app:web"),
        "survives",
        List.of(),
        List.of(new Target("111111111111", "eu-west-1"), new Target("222222222222", "us-east-1")),
        List.of(),
        T0,
        "user:x",
        "c0");
  }

  private static Schedule everyFiveMinutes(String scheduleId, String experimentId) {
    return new Schedule(
        "acme",
        scheduleId,
        experimentId,
        "0 */5 * * * *",
        "UTC",
        null,
        true,
        null,
        null,
        MissedFirePolicy.FIRE_ONCE,
        0,
        null,
        null,
        null,
        null,
        null,
        null,
        "c2");
  }

  private void send(SchedulerCommand command) {
    commands.pipeInput(command.tenantId(), StateJson.write(command));
  }

  private void fire() {
    now = FIRE;
    driver.advanceWallClockTime(Duration.ofMillis(150));
  }

  private <T> List<FaultlineEvent<T>> output(Topic<T> topic) {
    return driver
        .createOutputTopic(topic.name(), new StringDeserializer(), new ByteArrayDeserializer())
        .readRecordsToList()
        .stream()
        .map(
            (TestRecord<String, byte[]> r) ->
                EventCodec.standard().decode(topic, r.key(), r.headers(), r.value()))
        .toList();
  }

  private List<SpanData> publishSpans(Topic<?> topic) {
    return spans.getFinishedSpanItems().stream()
        .filter(s -> s.getName().equals(FaultSpans.SCHEDULER_PUBLISH))
        .filter(s -> topic.name().equals(s.getAttributes().get(FaultSpans.MESSAGING_DESTINATION)))
        .toList();
  }

  private double count(String name, String... tags) {
    var counter = registry.find(name).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void aScheduledFireStartsOneTracePerFaultAndCountsItsRequests() {
    send(
        SchedulerCommand.of("c1", CommandKind.PUT_EXPERIMENT, "acme", "e1", T0, "user:x")
            .withExperiment(twoTargets()));
    send(
        SchedulerCommand.of("c2", CommandKind.PUT_SCHEDULE, "acme", "s1", T0, "user:x")
            .withSchedule(everyFiveMinutes("s1", "e1")));
    fire();

    List<FaultlineEvent<FaultRequested>> requests = output(Topics.FAULT_REQUESTS);
    List<SpanData> published = publishSpans(Topics.FAULT_REQUESTS);
    assertThat(requests).hasSize(2);
    assertThat(published).hasSize(2);
    assertThat(published).allSatisfy(s -> assertThat(s.getKind()).isEqualTo(SpanKind.PRODUCER));
    assertThat(published).allSatisfy(s -> assertThat(s.getParentSpanContext().isValid()).isFalse());
    assertThat(published).extracting(SpanData::getTraceId).doesNotHaveDuplicates();
    for (FaultlineEvent<FaultRequested> request : requests) {
      SpanData span =
          published.stream()
              .filter(
                  s ->
                      request
                          .data()
                          .faultId()
                          .value()
                          .equals(s.getAttributes().get(FaultSpans.FAULT_ID)))
              .findFirst()
              .orElseThrow();
      assertThat(TraceContexts.traceId(request.traceparent())).contains(span.getTraceId());
      assertThat(request.traceparent()).contains(span.getSpanId());
      assertThat(span.getAttributes().get(FaultSpans.CLOUD_REGION))
          .isEqualTo(request.data().region().value());
      assertThat(span.getAttributes().get(FaultSpans.RUN_ID))
          .isEqualTo(EngineProcessor.scheduledRunId("s1", FIRE));
    }
    assertThat(count(PublishTelemetry.REQUESTS_PUBLISHED, "tenant", "acme")).isEqualTo(2.0);
  }

  @Test
  void aFailedFaultStopsItsRunUnderTheFailingFaultsTraceAndCountsTheRunFailed() {
    String caller = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    send(
        SchedulerCommand.of("c1", CommandKind.START_RUN, "acme", "run-1", T0, "user:x")
            .withExperiment(twoTargets())
            .withTraceparent(caller));
    FaultRequested first = output(Topics.FAULT_REQUESTS).getFirst().data();
    String executorTrace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    FaultLifecycleEvent failed =
        new FaultLifecycleEvent(
            first.faultId(),
            first.tenantId(),
            first.experimentId(),
            first.runId(),
            first.faultType(),
            first.accountId(),
            first.region(),
            LifecycleStage.FAILED,
            3,
            T0,
            "executor-service",
            false,
            null,
            null,
            null,
            FailureReason.INJECT,
            "simulated",
            null,
            null);
    ProducerRecord<String, byte[]> record =
        EventCodec.standard()
            .encode(
                Topics.FAULT_LIFECYCLE,
                FaultlineEvent.of(
                    "lc-1", URI.create("/faultline/executor-service"), failed, executorTrace));
    driver
        .createInputTopic(
            Topics.FAULT_LIFECYCLE.name(), new StringSerializer(), new ByteArraySerializer())
        .pipeInput(new TestRecord<>(record.key(), record.value(), record.headers(), T0));

    List<FaultlineEvent<FaultControl>> controls = output(Topics.FAULT_CONTROLS);
    assertThat(controls).hasSize(1);
    SpanData span = publishSpans(Topics.FAULT_CONTROLS).getFirst();
    assertThat(span.getTraceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
    assertThat(span.getParentSpanId()).isEqualTo("b7ad6b7169203331");
    assertThat(span.getAttributes().get(FaultSpans.CONTROL_ACTION)).isEqualTo("ABORT_RUN");
    assertThat(controls.getFirst().traceparent()).contains(span.getSpanId());
    assertThat(count(PublishTelemetry.RUNS, "tenant", "acme", "outcome", "failed")).isEqualTo(1.0);
    assertThat(count(PublishTelemetry.RUNS, "tenant", "acme", "outcome", "completed")).isZero();
  }

  @Test
  void aFireWhoseExperimentIsGoneCountsARunThatDidNotStart() {
    send(
        SchedulerCommand.of("c2", CommandKind.PUT_SCHEDULE, "acme", "s2", T0, "user:x")
            .withSchedule(everyFiveMinutes("s2", "gone")));
    fire();
    assertThat(output(Topics.FAULT_REQUESTS)).isEmpty();
    assertThat(spans.getFinishedSpanItems()).isEmpty();
    assertThat(count(PublishTelemetry.RUNS, "tenant", "acme", "outcome", "not_started"))
        .isEqualTo(1.0);
  }
}
