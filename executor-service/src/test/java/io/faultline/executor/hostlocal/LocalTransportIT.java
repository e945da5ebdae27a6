package io.faultline.executor.hostlocal;

import static io.faultline.events.lifecycle.LifecycleStage.COMPLETED;
import static io.faultline.events.lifecycle.LifecycleStage.INJECTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.faultline.events.catalogue.FaultCatalogue;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.decision.AccountAccess;
import io.faultline.events.decision.FaultApproved;
import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.AwsRegion;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.FaultType;
import io.faultline.events.ids.TenantId;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.lifecycle.TargetOutcome;
import io.faultline.events.topics.Topics;
import io.faultline.executor.Executor;
import io.faultline.executor.fault.FaultRegistry;
import io.faultline.executor.fault.local.LocalDocumentRunner;
import io.faultline.executor.run.RunSettings;
import io.faultline.testsupport.TestKafka;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The full path with the local transport: an approval on Kafka makes the executor run the real
 * ec2-process-kill document on this host, which kills a real process with the right signal.
 */
class LocalTransportIT {
  private static final String HOST = "i-0100c4100000000a1";
  private static Executor executor;
  private static KafkaProducer<String, byte[]> producer;
  private static final Map<String, List<FaultLifecycleEvent>> events = new ConcurrentHashMap<>();
  private static Thread tap;
  private static volatile boolean closed;

  @BeforeAll
  static void start() {
    TestKafka.createTopics(Topics.all().stream().map(t -> t.newTopic((short) 1)).toList());
    executor =
        Executor.start(
            new Executor.Config(
                TestKafka.bootstrapServers(),
                "local-" + UUID.randomUUID(),
                "local-1",
                Duration.ofSeconds(6),
                100,
                RunSettings.defaults().withPolling(Duration.ofMillis(100), Duration.ofMillis(300))),
            new LocalAccountConnector(
                new LocalDocumentRunner(), Map.of(HOST, Map.of("app", "local")), Map.of()),
            FaultRegistry.discover());
    producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer());
    tap = Thread.ofPlatform().daemon().start(LocalTransportIT::readLifecycle);
  }

  @AfterAll
  static void stop() {
    closed = true;
    producer.close();
    executor.close();
  }

  private static void readLifecycle() {
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestKafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          await()
              .until(
                  () ->
                      consumer.partitionsFor(Topics.FAULT_LIFECYCLE.name()).stream()
                          .map(p -> new TopicPartition(p.topic(), p.partition()))
                          .toList(),
                  l -> !l.isEmpty());
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (!closed) {
        consumer
            .poll(Duration.ofMillis(100))
            .forEach(
                r -> {
                  FaultLifecycleEvent e =
                      EventCodec.standard()
                          .decode(Topics.FAULT_LIFECYCLE, r.key(), r.headers(), r.value())
                          .data();
                  events
                      .computeIfAbsent(e.faultId().value(), k -> new CopyOnWriteArrayList<>())
                      .add(e);
                });
      }
    }
  }

  private static FaultLifecycleEvent terminal(String faultId) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                events.getOrDefault(faultId, List.of()).stream()
                    .anyMatch(e -> e.stage().isTerminal()));
    return events.get(faultId).stream()
        .filter(e -> e.stage().isTerminal())
        .findFirst()
        .orElseThrow();
  }

  private static void publish(String faultId, long pid, boolean force) throws Exception {
    Instant now = Instant.now();
    FaultApproved approval =
        new FaultApproved(
            FaultId.of(faultId),
            TenantId.of("local-tenant"),
            null,
            null,
            FaultType.of("ec2-process-kill"),
            AccountId.of("000000000000"),
            AwsRegion.of("eu-west-1"),
            FaultCatalogue.standard()
                .validate(
                    FaultType.of("ec2-process-kill"),
                    Map.of(
                        "PROCESS_IDS",
                        Long.toString(pid),
                        "EC2_INSTANCE_ID",
                        HOST,
                        "FORCE",
                        force,
                        "TOTAL_CHAOS_DURATION",
                        1)),
            false,
            new AccountAccess("arn:aws:iam::000000000000:role/local", "local-ext"),
            ProtectedTargetGuard.none(),
            5,
            "user:test",
            now,
            now.plusSeconds(600),
            1,
            List.of());
    producer
        .send(
            EventCodec.standard()
                .encode(
                    Topics.FAULT_APPROVALS,
                    FaultlineEvent.of(URI.create("/faultline/policy-service"), approval)))
        .get();
  }

  @Test
  void killsARealProcessWithSigkillThroughTheWholeKafkaPath() throws Exception {
    Process victim = new ProcessBuilder("sleep", "600").start();
    String faultId = "f-local-kill-" + UUID.randomUUID().toString().substring(0, 8);

    publish(faultId, victim.pid(), true);

    FaultLifecycleEvent end = terminal(faultId);
    assertThat(end.stage()).isEqualTo(COMPLETED);
    await().atMost(Duration.ofSeconds(10)).until(() -> !victim.isAlive());
    assertThat(victim.exitValue()).isEqualTo(128 + 9);
    FaultLifecycleEvent injected =
        events.get(faultId).stream().filter(e -> e.stage() == INJECTED).findFirst().orElseThrow();
    assertThat(injected.targets())
        .singleElement()
        .extracting(TargetOutcome::detail)
        .asString()
        .contains("pid=" + victim.pid())
        .contains("signal=KILL");
    assertThat(events.get(faultId))
        .extracting(FaultLifecycleEvent::stage)
        .containsExactly(
            LifecycleStage.STARTED,
            LifecycleStage.TARGETS_RESOLVED,
            INJECTED,
            LifecycleStage.ROLLING_BACK,
            COMPLETED);
  }

  @Test
  void sendsSigtermWhenNotForced() throws Exception {
    Process victim = new ProcessBuilder("sleep", "600").start();
    String faultId = "f-local-term-" + UUID.randomUUID().toString().substring(0, 8);

    publish(faultId, victim.pid(), false);

    assertThat(terminal(faultId).stage()).isEqualTo(COMPLETED);
    await().atMost(Duration.ofSeconds(10)).until(() -> !victim.isAlive());
    assertThat(victim.exitValue()).isEqualTo(128 + 15);
  }
}
