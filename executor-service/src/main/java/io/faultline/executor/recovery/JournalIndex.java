package io.faultline.executor.recovery;

import io.faultline.events.topics.Topics;
import io.faultline.executor.kafka.KafkaClients;
import io.faultline.executor.lifecycle.JournalEntry;
import io.faultline.telemetry.kafka.PoisonRecords;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal's latest entry of every fault in the approvals partitions this executor owns, with
 * the time it was written: the broker's append time (the journal is {@code LogAppendTime}, the
 * heartbeats' clock), so when its writer was last known alive. Loaded from the journal on
 * assignment (read_committed, so a dead executor's open transaction is never seen), kept current by
 * the ledger's own writes, and read on from where it stopped when another executor's writes matter
 * ({@link #refresh}): a fault keeps running where it runs when its partition moves, so the
 * partition's owner sees it written by another executor.
 */
public final class JournalIndex {
  private static final Logger log = LoggerFactory.getLogger(JournalIndex.class);

  /**
   * A journal entry and when it was written: its append time when read from the journal, the
   * heartbeat clock of the moment for this executor's own writes.
   */
  public record Known(JournalEntry entry, Instant writtenAt) {}

  private final KafkaClients kafka;
  private final PoisonRecords poison;
  private final Supplier<Instant> heartbeatClock;
  private final Map<Integer, Map<String, Known>> byPartition = new ConcurrentHashMap<>();
  private final Map<Integer, Long> positions = new ConcurrentHashMap<>();

  /**
   * @param heartbeatClock the latest heartbeat append time read (when this executor's own writes
   *     were made, judged as heartbeats are)
   */
  public JournalIndex(KafkaClients kafka, PoisonRecords poison, Supplier<Instant> heartbeatClock) {
    this.kafka = kafka;
    this.poison = poison;
    this.heartbeatClock = heartbeatClock;
  }

  /**
   * Reads the journal of {@code partitions} from the beginning to its end: they are now this
   * executor's.
   *
   * @return the faults found still in flight (not TERMINAL)
   */
  public List<JournalEntry> load(Collection<Integer> partitions) {
    if (partitions.isEmpty()) {
      return List.of();
    }
    Instant began = Instant.now();
    for (Integer p : partitions) {
      byPartition.put(p, new ConcurrentHashMap<>());
      positions.remove(p);
    }
    Map<String, JournalEntry> latest = read(partitions);
    List<JournalEntry> inFlight =
        latest.values().stream().filter(e -> e.phase() != JournalEntry.Phase.TERMINAL).toList();
    log.info(
        "journal of partitions {}: {} faults, {} in flight, read in {} ms",
        partitions,
        latest.size(),
        inFlight.size(),
        Duration.between(began, Instant.now()).toMillis());
    return inFlight;
  }

  /** Reads on from where the last read of each owned partition among {@code partitions} ended. */
  public void refresh(Collection<Integer> partitions) {
    List<Integer> owned = partitions.stream().filter(byPartition::containsKey).toList();
    if (!owned.isEmpty()) {
      read(owned);
    }
  }

  private Map<String, JournalEntry> read(Collection<Integer> partitions) {
    Map<String, JournalEntry> latest = new LinkedHashMap<>();
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
      for (TopicPartition tp : tps) {
        Long from = positions.get(tp.partition());
        if (from == null) {
          consumer.seekToBeginning(List.of(tp));
        } else {
          consumer.seek(tp, from);
        }
      }
      Map<TopicPartition, Long> end = consumer.endOffsets(tps);
      while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.value() == null) {
            forget(record.partition(), record.key());
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
            remember(record.partition(), entry, Instant.ofEpochMilli(record.timestamp()));
          } catch (RuntimeException e) {
            poison.skipped(record.topic(), record.partition(), record.offset(), e);
          }
        }
      }
      tps.forEach(tp -> positions.merge(tp.partition(), consumer.position(tp), Math::max));
    }
    return latest;
  }

  private void remember(int partition, JournalEntry entry, Instant writtenAt) {
    Map<String, Known> known = byPartition.get(partition);
    if (known == null) {
      return;
    }
    Known previous = known.get(entry.faultKey());
    // A stale owner's lower epoch never replaces a takeover's entry.
    if (previous == null || entry.epoch() >= previous.entry().epoch()) {
      known.put(entry.faultKey(), new Known(entry, writtenAt));
    }
  }

  private void forget(int partition, String faultKey) {
    Map<String, Known> known = byPartition.get(partition);
    if (known != null && faultKey != null) {
      known.remove(faultKey);
    }
  }

  /** Forgets partitions this executor no longer owns. */
  public void drop(Collection<Integer> partitions) {
    partitions.forEach(
        p -> {
          byPartition.remove(p);
          positions.remove(p);
        });
  }

  /** Records a committed journal write of this executor. */
  public void update(JournalEntry entry) {
    remember(entry.approvalPartition(), entry, heartbeatClock.get());
  }

  /** Every fault of the owned partitions whose latest entry is not terminal. */
  public List<Known> inFlight() {
    List<Known> inFlight = new ArrayList<>();
    byPartition.values().stream()
        .flatMap(m -> m.values().stream())
        .filter(k -> k.entry().phase() != JournalEntry.Phase.TERMINAL)
        .forEach(inFlight::add);
    return inFlight;
  }

  /** The latest entry read of the fault, if its partition is owned here. */
  public java.util.Optional<Known> known(int partition, String faultKey) {
    Map<String, Known> known = byPartition.get(partition);
    return java.util.Optional.ofNullable(known == null ? null : known.get(faultKey));
  }

  /**
   * Whether the journal knows the fault ({@code <tenant>/<fault id>}; started here or elsewhere).
   */
  public boolean knows(int partition, String faultKey) {
    Map<String, Known> known = byPartition.get(partition);
    return known != null && known.containsKey(faultKey);
  }
}
