package io.faultline.benchmarks.flow;

import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the lifecycle topic on its own thread and keeps each fault's latest stage by fault id, and
 * when ({@link System#nanoTime}) its approval was read: the moment an executor could have read it
 * too, which splits P2 into the policy's share and the executor's. The executor's share is split
 * further by the {@code occurredAt} of its STARTED and TARGETS_RESOLVED events (when the executor
 * built each, before its commit; the executor's wall clock, on the same machine).
 */
public final class LifecycleTap implements AutoCloseable {
  private final KafkaConsumer<String, byte[]> consumer;
  private final Map<String, FaultLifecycleEvent> latest = new ConcurrentHashMap<>();
  private final Map<String, Long> approvedReadAt = new ConcurrentHashMap<>();
  private final Map<String, Instant> started = new ConcurrentHashMap<>();
  private final Map<String, Instant> resolved = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean running = true;

  LifecycleTap(String bootstrap) {
    consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class));
    consumer.assign(
        IntStream.range(0, Topics.FAULT_LIFECYCLE.partitions())
            .mapToObj(p -> new TopicPartition(Topics.FAULT_LIFECYCLE.name(), p))
            .toList());
    thread = Thread.ofPlatform().name("lifecycle-tap").daemon().start(this::run);
  }

  private void run() {
    try {
      while (running) {
        ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
        long readAt = System.nanoTime();
        for (ConsumerRecord<String, byte[]> r : records) {
          LifecycleRecords.event(r)
              .ifPresent(
                  event -> {
                    String fault = event.faultId().value();
                    switch (event.stage()) {
                      case APPROVED -> approvedReadAt.putIfAbsent(fault, readAt);
                      case STARTED -> started.putIfAbsent(fault, event.occurredAt());
                      case TARGETS_RESOLVED -> resolved.putIfAbsent(fault, event.occurredAt());
                      default -> {}
                    }
                    latest.merge(fault, event, (old, now) -> old.stage().isTerminal() ? old : now);
                  });
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close();
    }
  }

  /** The latest stage of a fault (its terminal one once ended), or null. */
  public LifecycleStage stage(String faultId) {
    FaultLifecycleEvent event = latest.get(faultId);
    return event == null ? null : event.stage();
  }

  /** When this tap read the fault's approval ({@link System#nanoTime}), or null. */
  public Long approvedReadAt(String faultId) {
    return approvedReadAt.get(faultId);
  }

  /** When the executor built the fault's STARTED event, or null. */
  public Instant startedAt(String faultId) {
    return started.get(faultId);
  }

  /** When the executor built the fault's TARGETS_RESOLVED event, or null. */
  public Instant resolvedAt(String faultId) {
    return resolved.get(faultId);
  }

  public FaultLifecycleEvent latest(String faultId) {
    return latest.get(faultId);
  }

  /** How many of these faults have ended. */
  public long ended(List<String> faultIds) {
    return faultIds.stream().filter(f -> stage(f) != null && stage(f).isTerminal()).count();
  }

  /** How many of these faults ended with this stage. */
  public long endedAs(List<String> faultIds, LifecycleStage stage) {
    return faultIds.stream().filter(f -> stage(f) == stage).count();
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
