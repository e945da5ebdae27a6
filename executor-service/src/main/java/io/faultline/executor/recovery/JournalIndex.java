package io.faultline.executor.recovery;

import io.faultline.events.topics.Topics;
import io.faultline.executor.kafka.KafkaClients;
import io.faultline.executor.lifecycle.JournalEntry;
import io.faultline.telemetry.kafka.PoisonRecords;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal's latest phase of every fault in the partitions this executor owns. Loaded from the
 * journal on assignment (read_committed, so a dead executor's open transaction is never seen) and
 * kept current by the ledger's own writes.
 */
public final class JournalIndex {
  private static final Logger log = LoggerFactory.getLogger(JournalIndex.class);

  private final KafkaClients kafka;
  private final PoisonRecords poison;
  private final Map<Integer, Map<String, JournalEntry.Phase>> byPartition =
      new ConcurrentHashMap<>();

  public JournalIndex(KafkaClients kafka, PoisonRecords poison) {
    this.kafka = kafka;
    this.poison = poison;
  }

  /**
   * Reads the journal of {@code partitions} to its end.
   *
   * @return the faults found still in flight (not TERMINAL)
   */
  public List<JournalEntry> load(Collection<Integer> partitions) {
    if (partitions.isEmpty()) {
      return List.of();
    }
    Instant began = Instant.now();
    Map<String, JournalEntry> latest = new java.util.LinkedHashMap<>();
    try (KafkaConsumer<String, byte[]> consumer =
        kafka.consumer(
            "journal",
            Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                5_000),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> tps =
          partitions.stream()
              .map(p -> new TopicPartition(Topics.EXECUTION_JOURNAL.name(), p))
              .toList();
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<TopicPartition, Long> end = consumer.endOffsets(tps);
      while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.value() == null) {
            latest.remove(record.key());
            continue;
          }
          try {
            JournalEntry entry = JournalEntry.fromJson(record.value());
            // Keyed by fault key; a bare fault id is an entry written before ADR 0007.
            if (!entry.faultKey().equals(record.key()) && !entry.faultId().equals(record.key())) {
              throw new IllegalArgumentException(
                  "key: the journal is keyed by fault key; the key must be '"
                      + entry.faultKey()
                      + "', got "
                      + (record.key() == null ? "no key" : "'" + record.key() + "'"));
            }
            latest.put(entry.faultKey(), entry);
          } catch (RuntimeException e) {
            poison.skipped(record.topic(), record.partition(), record.offset(), e);
          }
        }
      }
    }
    List<JournalEntry> inFlight = new ArrayList<>();
    for (Integer p : partitions) {
      byPartition.put(p, new ConcurrentHashMap<>());
    }
    for (JournalEntry entry : latest.values()) {
      byPartition
          .computeIfAbsent(entry.approvalPartition(), p -> new ConcurrentHashMap<>())
          .put(entry.faultKey(), entry.phase());
      if (entry.phase() != JournalEntry.Phase.TERMINAL) {
        inFlight.add(entry);
      }
    }
    log.info(
        "journal of partitions {}: {} faults, {} in flight, read in {} ms",
        partitions,
        latest.size(),
        inFlight.size(),
        Duration.between(began, Instant.now()).toMillis());
    return inFlight;
  }

  /** Forgets partitions this executor no longer owns. */
  public void drop(Collection<Integer> partitions) {
    partitions.forEach(byPartition::remove);
  }

  /** Records a committed journal write. */
  public void update(JournalEntry entry) {
    Map<String, JournalEntry.Phase> partition = byPartition.get(entry.approvalPartition());
    if (partition != null) {
      partition.put(entry.faultKey(), entry.phase());
    }
  }

  /**
   * Whether the journal knows the fault ({@code <tenant>/<fault id>}; started here or elsewhere).
   */
  public boolean knows(int partition, String faultKey) {
    Map<String, JournalEntry.Phase> known = byPartition.get(partition);
    return known != null && known.containsKey(faultKey);
  }
}
