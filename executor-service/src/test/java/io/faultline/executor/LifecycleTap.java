package io.faultline.executor;

import static org.awaitility.Awaitility.await;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.topics.Topics;
import io.faultline.testsupport.TestKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads the whole lifecycle topic (committed events only) and indexes events by fault id. */
public final class LifecycleTap implements AutoCloseable {
  private final Map<String, List<FaultlineEvent<FaultLifecycleEvent>>> byFault =
      new ConcurrentHashMap<>();
  private final KafkaConsumer<String, byte[]> consumer;
  private final Thread thread;
  private volatile boolean closed;

  public LifecycleTap() {
    consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestKafka.bootstrapServers(),
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
                    consumer.partitionsFor(Topics.FAULT_LIFECYCLE.name()).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition()))
                        .toList(),
                list -> !list.isEmpty());
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    thread = Thread.ofPlatform().daemon().name("lifecycle-tap").start(this::run);
  }

  private void run() {
    try {
      while (!closed) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          FaultlineEvent<FaultLifecycleEvent> event =
              EventCodec.standard().decode(Topics.FAULT_LIFECYCLE, r.key(), r.headers(), r.value());
          byFault
              .computeIfAbsent(event.data().faultId().value(), k -> new CopyOnWriteArrayList<>())
              .add(event);
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close();
    }
  }

  public List<FaultlineEvent<FaultLifecycleEvent>> events(String faultId) {
    return new ArrayList<>(byFault.getOrDefault(faultId, List.of()));
  }

  public List<LifecycleStage> stages(String faultId) {
    return events(faultId).stream().map(e -> e.data().stage()).toList();
  }

  public FaultLifecycleEvent awaitStage(String faultId, LifecycleStage stage, Duration timeout) {
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> stages(faultId).contains(stage));
    return events(faultId).stream()
        .map(FaultlineEvent::data)
        .filter(e -> e.stage() == stage)
        .findFirst()
        .orElseThrow();
  }

  public FaultLifecycleEvent awaitTerminal(String faultId, Duration timeout) {
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> stages(faultId).stream().anyMatch(LifecycleStage::isTerminal));
    return events(faultId).stream()
        .map(FaultlineEvent::data)
        .filter(e -> e.stage().isTerminal())
        .findFirst()
        .orElseThrow();
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
