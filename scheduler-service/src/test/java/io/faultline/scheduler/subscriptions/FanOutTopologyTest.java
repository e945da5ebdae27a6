package io.faultline.scheduler.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.Fixtures;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.ids.RunId;
import io.faultline.events.ids.TenantId;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.probe.ProbeReading;
import io.faultline.events.probe.RunEvent;
import io.faultline.events.probe.RunEventKind;
import io.faultline.events.probe.WatchPhase;
import io.faultline.events.topics.Topics;
import io.faultline.telemetry.kafka.PoisonRecords;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FanOutTopologyTest {
  private static final TenantId ACME = TenantId.of("acme");
  private static final TenantId GLOBEX = TenantId.of("globex");

  private final List<TenantId> ensured = new ArrayList<>();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final PoisonRecords poison = new PoisonRecords("scheduler-service", meters);
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> policies;
  private TestInputTopic<String, byte[]> lifecycle;

  @BeforeEach
  void start() {
    Properties config = new Properties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, "fanout-test");
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    driver = new TopologyTestDriver(FanOutTopology.build(ensured::add, poison), config);
    policies =
        driver.createInputTopic(
            Topics.TENANT_POLICIES.name(), new StringSerializer(), new ByteArraySerializer());
    lifecycle =
        driver.createInputTopic(
            Topics.FAULT_LIFECYCLE.name(), new StringSerializer(), new ByteArraySerializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private TestOutputTopic<String, byte[]> topicOf(TenantId tenant) {
    return driver.createOutputTopic(
        Topics.tenantLifecycle(tenant).name(),
        new StringDeserializer(),
        new ByteArrayDeserializer());
  }

  private static ProducerRecord<String, byte[]> event(TenantId tenant, String faultId) {
    FaultLifecycleEvent template = Fixtures.aLifecycleEvent(LifecycleStage.STARTED, 2);
    FaultLifecycleEvent event =
        new FaultLifecycleEvent(
            io.faultline.events.ids.FaultId.of(faultId),
            tenant,
            template.experimentId(),
            template.runId(),
            template.faultType(),
            template.accountId(),
            template.region(),
            template.stage(),
            template.sequence(),
            template.occurredAt(),
            template.producer(),
            template.dryRun(),
            template.parameters(),
            template.targets(),
            template.ssmCommandIds(),
            template.reason(),
            template.detail(),
            template.rules(),
            template.traceId());
    return EventCodec.standard()
        .encode(
            Topics.FAULT_LIFECYCLE,
            FaultlineEvent.of(URI.create("/faultline/executor-service"), event));
  }

  private void pipe(ProducerRecord<String, byte[]> record) {
    lifecycle.pipeInput(new TestRecord<>(record.key(), record.value(), record.headers()));
  }

  @Test
  void copiesARegisteredTenantsEventsUnchangedToItsOwnTopic() {
    policies.pipeInput(ACME.value(), new byte[] {'{', '}'});
    ProducerRecord<String, byte[]> started = event(ACME, "f-1");

    pipe(started);

    List<TestRecord<String, byte[]>> copied = topicOf(ACME).readRecordsToList();
    assertThat(copied).hasSize(1);
    assertThat(copied.get(0).key()).isEqualTo("acme");
    assertThat(copied.get(0).value()).isEqualTo(started.value());
    assertThat(copied.get(0).headers().toArray()).containsExactly(started.headers().toArray());
    assertThat(ensured).containsExactly(ACME);
  }

  private static ProducerRecord<String, byte[]> runEvent(TenantId tenant, String probe) {
    RunEvent event =
        new RunEvent(
            "reading-" + probe,
            tenant,
            RunId.of("run-1"),
            RunEventKind.PROBE_READING,
            probe,
            ProbeReading.ofState(true, "OK"),
            WatchPhase.RUNNING,
            0,
            1L,
            Instant.parse("2030-01-07T08:05:00Z"),
            null,
            null);
    return EventCodec.standard()
        .encode(
            Topics.RUN_EVENTS,
            FaultlineEvent.of(
                event.eventId(), URI.create("/faultline/executor-service"), event, null));
  }

  @Test
  void copiesARegisteredTenantsRunEventsToTheSameTopicToldApartByType() {
    policies.pipeInput(ACME.value(), new byte[] {'{', '}'});
    policies.pipeInput(GLOBEX.value(), new byte[] {'{', '}'});
    TestInputTopic<String, byte[]> runEvents =
        driver.createInputTopic(
            Topics.RUN_EVENTS.name(), new StringSerializer(), new ByteArraySerializer());
    ProducerRecord<String, byte[]> reading = runEvent(ACME, "api-ok");
    ProducerRecord<String, byte[]> theirs = runEvent(GLOBEX, "their-probe");

    pipe(event(ACME, "f-7"));
    runEvents.pipeInput(new TestRecord<>(reading.key(), reading.value(), reading.headers()));
    // Globex's run event under Acme's key is poison, never copied.
    runEvents.pipeInput(new TestRecord<>("acme", theirs.value(), theirs.headers()));

    List<TestRecord<String, byte[]>> copied = topicOf(ACME).readRecordsToList();
    assertThat(copied).hasSize(2);
    assertThat(copied.get(1).value()).isEqualTo(reading.value());
    assertThat(new String(copied.get(0).headers().lastHeader("ce_type").value()))
        .startsWith("io.faultline.fault.");
    assertThat(new String(copied.get(1).headers().lastHeader("ce_type").value()))
        .isEqualTo("io.faultline.run.v1");
    assertThat(poison.count(Topics.RUN_EVENTS.name())).isEqualTo(1.0);
  }

  @Test
  void copiesNothingOfATenantWithoutAPolicy() {
    policies.pipeInput(ACME.value(), new byte[] {'{', '}'});

    pipe(event(GLOBEX, "f-2"));

    assertThat(topicOf(GLOBEX).isEmpty()).isTrue();
    assertThat(topicOf(ACME).isEmpty()).isTrue();
    assertThat(ensured).isEmpty();
  }

  @Test
  void stopsCopyingOnceTheTenantIsRemoved() {
    policies.pipeInput(ACME.value(), new byte[] {'{', '}'});
    pipe(event(ACME, "f-3"));
    policies.pipeInput(ACME.value(), (byte[]) null);

    pipe(event(ACME, "f-4"));

    assertThat(topicOf(ACME).readRecordsToList()).hasSize(1);
  }

  @Test
  void neverCopiesAnEventKeyedByAnotherTenantOrUnreadable() {
    policies.pipeInput(ACME.value(), new byte[] {'{', '}'});
    policies.pipeInput(GLOBEX.value(), new byte[] {'{', '}'});
    ProducerRecord<String, byte[]> globexEvent = event(GLOBEX, "f-5");
    ProducerRecord<String, byte[]> nullHeader = event(ACME, "f-6");
    nullHeader.headers().add(new RecordHeader("content-type", null));

    // Globex's event under Acme's key would land in Acme's topic.
    lifecycle.pipeInput(new TestRecord<>("acme", globexEvent.value(), globexEvent.headers()));
    pipe(nullHeader);
    lifecycle.pipeInput(new TestRecord<>(null, new byte[] {1, 2, 3}));
    lifecycle.pipeInput(new TestRecord<>("Not A Tenant!", new byte[] {1}));

    assertThat(topicOf(ACME).isEmpty()).isTrue();
    assertThat(poison.count(Topics.FAULT_LIFECYCLE.name())).isEqualTo(4.0);
  }
}
