package io.faultline.benchmarks.admission;

import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Watches what the policy service commits, as a subscriber would: a {@code read_committed} consumer
 * of the lifecycle topic (decisions: {@code APPROVED}, {@code REJECTED}) and of the dead-letter
 * topic (refused requests, e.g. a bad signature). Counts per phase (the fault id's prefix), every
 * fault id seen more than once (exactly-once broken), and the latency from a request's recorded
 * send time to its decision.
 */
final class DecisionTap implements AutoCloseable {
  private static final String APPROVED = LifecycleStage.APPROVED.cloudEventType();
  private static final String REJECTED = LifecycleStage.REJECTED.cloudEventType();

  /** What one phase's requests came to. */
  static final class Phase {
    final String prefix;
    final AtomicLong approved = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong firstNanos = new AtomicLong();
    final AtomicLong lastNanos = new AtomicLong();
    final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    final List<Long> latencies = new ArrayList<>();
    private final Map<String, Boolean> seen = new ConcurrentHashMap<>();

    private Phase(String prefix) {
      this.prefix = prefix;
    }

    long decided() {
      return approved.get() + rejected.get();
    }

    long answered() {
      return decided() + refused.get();
    }

    private void record(String faultId, boolean refusal, boolean approval, long now) {
      if (seen.putIfAbsent(faultId, Boolean.TRUE) != null) {
        duplicates.incrementAndGet();
        return;
      }
      (refusal ? refused : approval ? approved : rejected).incrementAndGet();
      firstNanos.compareAndSet(0, now);
      lastNanos.set(now);
      Long sent = sentAt.remove(faultId);
      if (sent != null) {
        synchronized (latencies) {
          latencies.add(now - sent);
        }
      }
    }

    List<Long> sortedLatencies() {
      synchronized (latencies) {
        List<Long> sorted = new ArrayList<>(latencies);
        sorted.sort(null);
        return sorted;
      }
    }
  }

  private final Map<String, Phase> phases = new ConcurrentHashMap<>();
  private final KafkaConsumer<String, byte[]> consumer;
  private final Thread thread;
  private volatile boolean running = true;

  DecisionTap(String bootstrapServers) {
    consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class));
    List<TopicPartition> partitions = new ArrayList<>();
    IntStream.range(0, Topics.FAULT_LIFECYCLE.partitions())
        .forEach(p -> partitions.add(new TopicPartition(Topics.FAULT_LIFECYCLE.name(), p)));
    IntStream.range(0, Topics.DEAD_LETTERS.partitions())
        .forEach(p -> partitions.add(new TopicPartition(Topics.DEAD_LETTERS.name(), p)));
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    thread = new Thread(this::read, "decision-tap");
    thread.setDaemon(true);
    thread.start();
  }

  /** Starts counting the decisions of fault ids {@code <prefix>-…}. */
  Phase begin(String prefix) {
    Phase phase = new Phase(prefix);
    if (phases.putIfAbsent(prefix, phase) != null) {
      throw new IllegalArgumentException("phase " + prefix + " already exists");
    }
    return phase;
  }

  private void read() {
    try {
      while (running) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(20))) {
          long now = System.nanoTime();
          boolean refusal = record.topic().equals(Topics.DEAD_LETTERS.name());
          String faultId = header(record, refusal ? "ce_id" : "ce_subject");
          String type = header(record, "ce_type");
          if (faultId == null || (!refusal && !APPROVED.equals(type) && !REJECTED.equals(type))) {
            continue;
          }
          int dash = faultId.indexOf('-');
          Phase phase = dash < 0 ? null : phases.get(faultId.substring(0, dash));
          if (phase != null) {
            phase.record(faultId, refusal, APPROVED.equals(type), now);
          }
        }
      }
    } finally {
      consumer.close();
    }
  }

  private static String header(ConsumerRecord<String, byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null || header.value() == null
        ? null
        : new String(header.value(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
