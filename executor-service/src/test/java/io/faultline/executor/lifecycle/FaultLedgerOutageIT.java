package io.faultline.executor.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.faultline.events.topics.Topics;
import io.faultline.executor.kafka.KafkaClients;
import io.faultline.testsupport.TestKafka;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The ledger while the broker is down: a write neither fails nor is lost; it is committed, once,
 * when the broker is back, after the records' delivery timeout and the commit's blocking time have
 * both passed.
 */
@Tag("waits-in-pairs")
class FaultLedgerOutageIT {
  private static final int PARTITION = 3;
  private static FaultLedger ledger;

  @BeforeAll
  static void start() {
    TestKafka.createTopics(Topics.all().stream().map(t -> t.newTopic((short) 1)).toList());
    Map<String, Object> producer =
        Map.of(
            CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
            TestKafka.bootstrapServers(),
            // Records expire during the outage (as they would after 2 min by default).
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
            4_000,
            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
            2_000);
    ledger =
        new FaultLedger(
            new KafkaClients(
                Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
                producer),
            "ledger-outage-" + UUID.randomUUID(),
            // A commit gives up waiting after 2 s (30 s in service), so the outage below outlasts
            // many attempts.
            Duration.ofSeconds(2));
  }

  @AfterAll
  static void stop() {
    ledger.close();
  }

  private static JournalEntry entry(String faultId, JournalEntry.Phase phase, long next) {
    return new JournalEntry(
        faultId,
        "t-outage",
        phase,
        next,
        PARTITION,
        0,
        null,
        List.of(),
        List.of(),
        null,
        "ex-outage",
        Instant.now());
  }

  @Test
  void keepsAWriteMadeWhileTheBrokerIsDownAndCommitsItOnceWhenItIsBack() {
    String faultId = "f-outage-" + UUID.randomUUID().toString().substring(0, 8);
    ledger.write(null, null, entry(faultId, JournalEntry.Phase.HOLDING, 3));

    TestKafka.stopBroker();
    CompletableFuture<Void> rollingBack =
        ledger.submit(null, null, entry(faultId, JournalEntry.Phase.ROLLING_BACK, 4));
    CompletableFuture<Void> terminal =
        ledger.submit(null, null, entry(faultId, JournalEntry.Phase.TERMINAL, 5));
    // Past the records' delivery timeout and many commits' max.block.ms: neither failed nor done.
    await()
        .during(Duration.ofSeconds(15))
        .atMost(Duration.ofSeconds(20))
        .until(() -> !rollingBack.isDone() && !terminal.isDone());

    TestKafka.startBroker();
    await().atMost(Duration.ofSeconds(90)).until(terminal::isDone);
    assertThat(rollingBack).isCompleted();
    assertThat(terminal).isCompleted();
    assertThat(journal(faultId))
        .extracting(JournalEntry::phase)
        .containsExactly(
            JournalEntry.Phase.HOLDING,
            JournalEntry.Phase.ROLLING_BACK,
            JournalEntry.Phase.TERMINAL);
  }

  private static List<JournalEntry> journal(String faultId) {
    List<JournalEntry> entries = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestKafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      TopicPartition partition = new TopicPartition(Topics.EXECUTION_JOURNAL.name(), PARTITION);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      while (consumer.position(partition) < end) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          JournalEntry entry = JournalEntry.fromJson(record.value());
          if (entry.faultId().equals(faultId)) {
            entries.add(entry);
          }
        }
      }
    }
    return entries;
  }
}
