package io.faultline.benchmarks.inflight;

import io.faultline.benchmarks.flow.LifecycleRecords;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.topics.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the lifecycle topic ({@code read_committed}, from its end when created) on its own thread
 * and counts, per phase of this run's fault ids ({@code <prefix><phase>-<n>}): faults that reached
 * {@code INJECTED}, faults that ended and how, and the lifecycle records and bytes written.
 */
final class StageTap implements AutoCloseable {
  private final String runPrefix;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Set<String> injected = ConcurrentHashMap.newKeySet();
  private final Map<String, String> endings = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> records = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> bytes = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean running = true;

  StageTap(String bootstrapServers, String runPrefix) {
    this.runPrefix = runPrefix;
    consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                5_000),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    List<TopicPartition> partitions =
        IntStream.range(0, Topics.FAULT_LIFECYCLE.partitions())
            .mapToObj(p -> new TopicPartition(Topics.FAULT_LIFECYCLE.name(), p))
            .toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    // Resolve the positions now, before any approval is published.
    partitions.forEach(consumer::position);
    thread = Thread.ofPlatform().name("p3-lifecycle-tap").daemon().start(this::run);
  }

  private void run() {
    try {
      while (running) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          FaultLifecycleEvent event = LifecycleRecords.event(r).orElse(null);
          if (event == null) {
            continue;
          }
          String id = event.faultId().value();
          if (!id.startsWith(runPrefix)) {
            continue;
          }
          String phase = phaseOf(id);
          records.computeIfAbsent(phase, p -> new LongAdder()).increment();
          bytes.computeIfAbsent(phase, p -> new LongAdder()).add(r.serializedValueSize());
          if (event.stage() == LifecycleStage.INJECTED) {
            injected.add(id);
          } else if (event.stage().isTerminal()) {
            endings.putIfAbsent(
                id, event.stage() + (event.reason() == null ? "" : " " + event.reason()));
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close();
    }
  }

  private String phaseOf(String faultId) {
    String rest = faultId.substring(runPrefix.length());
    return rest.substring(0, rest.indexOf('-'));
  }

  long injected(String phase) {
    return injected.stream().filter(id -> phaseOf(id).equals(phase)).count();
  }

  long ended(String phase) {
    return endings.keySet().stream().filter(id -> phaseOf(id).equals(phase)).count();
  }

  /** Faults of the phase that reached INJECTED and have not ended. */
  long inFlight(String phase) {
    return injected.stream()
        .filter(id -> phaseOf(id).equals(phase) && !endings.containsKey(id))
        .count();
  }

  /** How the phase's faults ended: {@code "<stage> <reason>"} → count. */
  Map<String, Long> endings(String phase) {
    Map<String, Long> counts = new TreeMap<>();
    endings.forEach(
        (id, ending) -> {
          if (phaseOf(id).equals(phase)) {
            counts.merge(ending, 1L, Long::sum);
          }
        });
    return counts;
  }

  long records(String phase) {
    LongAdder count = records.get(phase);
    return count == null ? 0 : count.sum();
  }

  long bytes(String phase) {
    LongAdder count = bytes.get(phase);
    return count == null ? 0 : count.sum();
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
