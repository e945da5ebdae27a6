package io.faultline.events;

import static org.awaitility.Awaitility.await;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.topics.Topic;
import io.faultline.testsupport.TestKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a contract topic from the beginning (committed records only, no consumer group) on its own
 * thread, decoding every record with the contract's own codec, key check included. A record that
 * breaks the contract is kept as broken and fails the next read. Tombstones, keys and the broker's
 * timestamps are kept for the tests that need them (compacted topics, append-time clocks). Shared
 * with the services through this module's test-jar.
 */
public final class TopicTap<T> implements AutoCloseable {
  /**
   * One record as read: its key, its event ({@code null} for a tombstone) and the broker's
   * timestamp with its type.
   */
  public record Read<T>(
      String key, FaultlineEvent<T> event, long timestamp, TimestampType timestampType) {
    /** The record's data; empty for a tombstone. */
    public Optional<T> data() {
      return Optional.ofNullable(event).map(FaultlineEvent::data);
    }
  }

  private final Topic<T> topic;
  private final KafkaConsumer<String, byte[]> consumer;
  private final List<Read<T>> reads = new ArrayList<>();
  private final List<String> broken = new ArrayList<>();
  private final Thread thread;
  private volatile boolean closed;

  /** A tap on the test broker ({@link TestKafka}). */
  public TopicTap(Topic<T> topic) {
    this(TestKafka.bootstrapServers(), topic);
  }

  public TopicTap(String bootstrapServers, Topic<T> topic) {
    this.topic = topic;
    this.consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    List<TopicPartition> partitions =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    consumer.partitionsFor(topic.name()).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition()))
                        .toList(),
                list -> !list.isEmpty());
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    thread = Thread.ofPlatform().daemon().name("tap-" + topic.name()).start(this::run);
  }

  private void run() {
    try {
      while (!closed) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          keep(r);
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close();
    }
  }

  private void keep(ConsumerRecord<String, byte[]> r) {
    try {
      FaultlineEvent<T> event =
          r.value() == null
              ? null
              : EventCodec.standard().decode(topic, r.key(), r.headers(), r.value());
      synchronized (reads) {
        reads.add(new Read<>(r.key(), event, r.timestamp(), r.timestampType()));
      }
    } catch (RuntimeException e) {
      synchronized (reads) {
        broken.add(r.partition() + "@" + r.offset() + ": " + e.getMessage());
      }
    }
  }

  /** Every record read so far, tombstones included, in topic order per partition. */
  public List<Read<T>> records() {
    synchronized (reads) {
      if (!broken.isEmpty()) {
        throw new IllegalStateException(
            "a record on " + topic.name() + " broke the contract: " + broken);
      }
      return List.copyOf(reads);
    }
  }

  /** Records that did not decode (partition@offset: why); reading went on past them. */
  public List<String> brokenRecords() {
    synchronized (reads) {
      return List.copyOf(broken);
    }
  }

  /** What was written under one key, in order: each record's data, or empty for a tombstone. */
  public List<Optional<T>> underKey(String key) {
    return records().stream().filter(r -> key.equals(r.key())).map(Read::data).toList();
  }

  /** Every event read so far whose data matches, in topic order per partition. */
  public List<FaultlineEvent<T>> envelopes(Predicate<T> filter) {
    return records().stream()
        .map(Read::event)
        .filter(e -> e != null && filter.test(e.data()))
        .toList();
  }

  /** The data of every event read so far that matches. */
  public List<T> read(Predicate<T> filter) {
    return envelopes(filter).stream().map(FaultlineEvent::data).toList();
  }

  @Override
  public void close() {
    closed = true;
    consumer.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
