package io.faultline.executor;

import static io.faultline.events.lifecycle.LifecycleStage.ABORTED;
import static io.faultline.events.lifecycle.LifecycleStage.INJECTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.faultline.events.LifecycleTap;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.control.ControlAction;
import io.faultline.events.decision.FaultApproved;
import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.topics.Topic;
import io.faultline.events.topics.Topics;
import io.faultline.executor.aws.AwsAccountConnector;
import io.faultline.executor.aws.AwsSettings;
import io.faultline.executor.aws.MotoAccounts;
import io.faultline.executor.control.ControlConsumer;
import io.faultline.executor.fault.FaultRegistry;
import io.faultline.executor.intake.ApprovalConsumer;
import io.faultline.executor.observability.Observability;
import io.faultline.executor.run.RunSettings;
import io.faultline.telemetry.kafka.ConsumerLiveness;
import io.faultline.telemetry.kafka.PoisonRecords;
import io.faultline.testsupport.MotoServer;
import io.faultline.testsupport.TestKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Records no reader can decode, on every topic the executor reads (controls, approvals, the
 * journal), before the executor starts (a compacted control stays and is read again at every start)
 * and while it runs: each is logged once with its offset and counted, no reader stops, and a halt
 * and an abort still end running faults.
 */
@Tag("waits-in-pairs")
class PoisonRecordsIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static final ListAppender<ILoggingEvent> poisonLog = new ListAppender<>();
  private static final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private static final List<RecordMetadata> published = new ArrayList<>();
  private static KafkaProducer<String, byte[]> producer;
  private static AwsAccountConnector connector;
  private static Observability observability;
  private static Executor executor;
  private static LifecycleTap lifecycle;

  @BeforeAll
  static void start() {
    MotoAccounts.init();
    TestFaults.createTopics();
    poisonLog.start();
    ((Logger) LoggerFactory.getLogger(PoisonRecords.class)).addAppender(poisonLog);
    producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestKafka.bootstrapServers(),
                // Oversized events must reach the broker for the reader to refuse them.
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                4 << 20),
            new StringSerializer(),
            new ByteArraySerializer());
    publishPoisonOnEveryTopic("before-start");
    connector =
        new AwsAccountConnector(
            AwsSettings.defaults()
                .withEndpoint(MotoServer.shared().endpoint())
                .withRetries(2, Duration.ofMillis(20), Duration.ofMillis(100)),
            new io.faultline.executor.aws.RequestRecorder());
    observability = new Observability(OpenTelemetry.noop(), meters);
    executor =
        Executor.start(
            new Executor.Config(
                TestKafka.bootstrapServers(),
                TestFaults.unique("poison-executors"),
                "poison-1",
                Duration.ofSeconds(6),
                1_000,
                RunSettings.defaults()
                    .withPrecheck(RunSettings.Precheck.SKIP)
                    .withPolling(Duration.ofMillis(100), Duration.ofMillis(500))),
            connector,
            FaultRegistry.discover(),
            observability);
    lifecycle = new LifecycleTap();
  }

  @AfterAll
  static void stop() {
    ((Logger) LoggerFactory.getLogger(PoisonRecords.class)).detachAppender(poisonLog);
    lifecycle.close();
    executor.close();
    connector.close();
    producer.close();
  }

  @Test
  void aHaltStillAbortsARunningFaultAfterPoisonThatWasThereAtStart() {
    FaultApproved running = longFault("halted");
    TestFaults.publish(running, TestFaults.traceparent());
    lifecycle.awaitStage(running.faultId().value(), INJECTED, WAIT);

    TestFaults.control(ControlAction.HALT_TENANT, running.tenantId(), null);

    FaultLifecycleEvent end = lifecycle.awaitTerminal(running.faultId().value(), WAIT);
    assertThat(end.stage()).isEqualTo(ABORTED);
    assertThat(end.reason()).isEqualTo(FailureReason.HALTED);
    TestFaults.control(ControlAction.RESUME_TENANT, running.tenantId(), null);
    assertEveryPoisonRecordLoggedOnceAndReadersRunning();
  }

  @Test
  void anAbortStillEndsARunningFaultAfterPoisonArrivingWhileItRuns() {
    FaultApproved running = longFault("aborted");
    TestFaults.publish(running, TestFaults.traceparent());
    lifecycle.awaitStage(running.faultId().value(), INJECTED, WAIT);

    publishPoisonOnEveryTopic("while-running");
    TestFaults.control(ControlAction.ABORT_FAULT, running.tenantId(), running.faultId());

    FaultLifecycleEvent end = lifecycle.awaitTerminal(running.faultId().value(), WAIT);
    assertThat(end.stage()).isEqualTo(ABORTED);
    assertThat(end.reason()).isEqualTo(FailureReason.ABORTED);
    assertEveryPoisonRecordLoggedOnceAndReadersRunning();
  }

  /**
   * Every poison record this test published on controls and approvals, and every one on the journal
   * published before the executor read it (at assignment), was logged exactly once with its offset
   * and counted; both readers still run.
   */
  private static void assertEveryPoisonRecordLoggedOnceAndReadersRunning() {
    List<RecordMetadata> expected;
    synchronized (published) {
      expected =
          published.stream()
              .filter(
                  m ->
                      !m.topic().equals(Topics.EXECUTION_JOURNAL.name())
                          || journalReadAtStart.contains(m))
              .toList();
    }
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              for (RecordMetadata record : expected) {
                assertThat(timesLogged(record))
                    .as(
                        "log lines for %s-%d@%d",
                        record.topic(), record.partition(), record.offset())
                    .isEqualTo(1);
              }
            });
    for (Topic<?> topic :
        List.of(Topics.FAULT_CONTROLS, Topics.FAULT_APPROVALS, Topics.EXECUTION_JOURNAL)) {
      long mine = expected.stream().filter(m -> m.topic().equals(topic.name())).count();
      assertThat(
              meters
                  .get(PoisonRecords.METRIC)
                  .tag("topic", topic.name())
                  .tag("service", "executor-service")
                  .counter()
                  .count())
          .as("poison counted on %s", topic)
          .isGreaterThanOrEqualTo(mine);
    }
    ConsumerLiveness readers = observability.readers();
    assertThat(readers.states())
        .containsEntry(ControlConsumer.READER, "running")
        .containsEntry(ApprovalConsumer.READER, "running");
    assertThat(meters.get(ConsumerLiveness.METRIC).tag("consumer", "controls").gauge().value())
        .isEqualTo(1.0);
  }

  private static final List<RecordMetadata> journalReadAtStart = new ArrayList<>();

  private static long timesLogged(RecordMetadata record) {
    String where =
        "topic="
            + record.topic()
            + " partition="
            + record.partition()
            + " offset="
            + record.offset()
            + " ";
    synchronized (poisonLog.list) {
      return poisonLog.list.stream().filter(e -> e.getFormattedMessage().contains(where)).count();
    }
  }

  private static FaultApproved longFault(String name) {
    String account = MotoAccounts.freshAccount();
    MotoAccounts.runInstances(account, 1, Map.of("app", name));
    return TestFaults.approval(
        TestFaults.unique("f-" + name),
        TestFaults.unique(name),
        account,
        "ec2-process-kill",
        Map.of(
            "PROCESS_IDS", "4242", "EC2_INSTANCE_TAG", "app:" + name, "TOTAL_CHAOS_DURATION", 3600),
        false,
        ProtectedTargetGuard.none(),
        10);
  }

  /** The same kinds of poison on each topic the executor reads. */
  private static void publishPoisonOnEveryTopic(String when) {
    ProducerRecord<String, byte[]> control =
        EventCodec.standard()
            .encode(
                Topics.FAULT_CONTROLS,
                FaultlineEvent.of(
                    URI.create("/test"),
                    new io.faultline.events.control.FaultControl(
                        TestFaults.unique("ctl"),
                        ControlAction.HALT_TENANT,
                        io.faultline.events.ids.TenantId.of(TestFaults.unique("nobody")),
                        null,
                        null,
                        "poison test",
                        "user:test",
                        java.time.Instant.now())));
    ProducerRecord<String, byte[]> approval =
        TestFaults.record(longFault("poison-" + when), TestFaults.traceparent());
    for (Topic<?> topic : List.of(Topics.FAULT_CONTROLS, Topics.FAULT_APPROVALS)) {
      ProducerRecord<String, byte[]> valid = topic == Topics.FAULT_CONTROLS ? control : approval;
      ProducerRecord<String, byte[]> otherFamily =
          topic == Topics.FAULT_CONTROLS ? approval : control;
      String key = "poison-" + when + "-" + ThreadLocalRandom.current().nextInt(1_000_000);
      // A header without a value, as `kcat -H content-type` writes it.
      publish(withHeader(valid, topic.name(), key, "content-type", null));
      publish(withHeader(valid, topic.name(), key, "ce_type", null));
      // No headers at all: not a CloudEvent in either content mode.
      publish(new ProducerRecord<>(topic.name(), key, valid.value()));
      // Not JSON.
      publish(copy(valid, topic.name(), key, new byte[] {0, (byte) 0xFF, '{', 1}));
      // An empty value (on a compacted topic a tombstone is null, not empty).
      publish(copy(valid, topic.name(), key, new byte[0]));
      // Larger than the topic's event limit, below its batch limit.
      byte[] huge = new byte[topic.maxEventBytes() + 1];
      java.util.Arrays.fill(huge, (byte) ' ');
      publish(copy(valid, topic.name(), key, huge));
      // A valid event of another family.
      publish(copy(otherFamily, topic.name(), otherFamily.key(), otherFamily.value()));
    }
    List<RecordMetadata> journal = new ArrayList<>();
    for (byte[] value :
        new byte[][] {
          "not json".getBytes(StandardCharsets.UTF_8),
          "{\"faultId\": 42}".getBytes(StandardCharsets.UTF_8),
          new byte[0]
        }) {
      for (int partition = 0; partition < Topics.EXECUTION_JOURNAL.partitions(); partition++) {
        journal.add(
            publish(
                new ProducerRecord<>(
                    Topics.EXECUTION_JOURNAL.name(), partition, "poison-" + when, value)));
      }
    }
    if (when.equals("before-start")) {
      journalReadAtStart.addAll(journal);
    }
  }

  private static ProducerRecord<String, byte[]> withHeader(
      ProducerRecord<String, byte[]> valid, String topic, String key, String name, byte[] value) {
    ProducerRecord<String, byte[]> record = copy(valid, topic, key, valid.value());
    record.headers().remove(name);
    record.headers().add(new RecordHeader(name, value));
    return record;
  }

  private static ProducerRecord<String, byte[]> copy(
      ProducerRecord<String, byte[]> valid, String topic, String key, byte[] value) {
    ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
    valid.headers().forEach(h -> record.headers().add(h));
    return record;
  }

  private static RecordMetadata publish(ProducerRecord<String, byte[]> record) {
    try {
      RecordMetadata metadata = producer.send(record).get();
      synchronized (published) {
        published.add(metadata);
      }
      return metadata;
    } catch (Exception e) {
      throw new IllegalStateException("cannot publish to " + record.topic(), e);
    }
  }
}
