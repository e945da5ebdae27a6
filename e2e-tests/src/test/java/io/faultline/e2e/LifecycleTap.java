package io.faultline.e2e;

import static org.awaitility.Awaitility.await;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the lifecycle topic as a subscriber would (its own consumer group, from the beginning,
 * committed transactions only) and collects each fault's events. Polled on the caller's thread.
 */
final class LifecycleTap implements AutoCloseable {
  private final KafkaConsumer<String, byte[]> consumer;
  private final Map<String, List<FaultlineEvent<FaultLifecycleEvent>>> byFault =
      new ConcurrentHashMap<>();

  LifecycleTap(String bootstrapServers) {
    consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG,
                "e2e-lifecycle-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class));
    consumer.subscribe(List.of(Topics.FAULT_LIFECYCLE.name()));
  }

  /** Waits until the fault has a terminal (or REJECTED) event and returns all its events. */
  List<FaultlineEvent<FaultLifecycleEvent>> awaitEnd(String faultId, Duration timeout) {
    await("the end (COMPLETED, FAILED, ABORTED or REJECTED) of fault " + faultId)
        .atMost(timeout)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              poll();
              return events(faultId).stream()
                  .map(e -> e.data().stage())
                  .anyMatch(stage -> stage.isTerminal() || stage == LifecycleStage.REJECTED);
            });
    return events(faultId);
  }

  /** Waits until every one of the faults has ended (terminal or REJECTED). */
  void awaitAllEnded(java.util.Collection<String> faultIds, Duration timeout) {
    await("the end of " + faultIds.size() + " faults")
        .atMost(timeout)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              poll();
              return faultIds.stream()
                  .allMatch(
                      id ->
                          events(id).stream()
                              .map(e -> e.data().stage())
                              .anyMatch(s -> s.isTerminal() || s == LifecycleStage.REJECTED));
            });
  }

  /** The events of one fault seen so far, in topic order. */
  List<FaultlineEvent<FaultLifecycleEvent>> events(String faultId) {
    return List.copyOf(byFault.getOrDefault(faultId, List.of()));
  }

  private void poll() {
    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
      FaultlineEvent<FaultLifecycleEvent> event =
          EventCodec.standard()
              .decode(Topics.FAULT_LIFECYCLE, record.key(), record.headers(), record.value());
      byFault.computeIfAbsent(event.data().faultId().value(), k -> new ArrayList<>()).add(event);
    }
  }

  @Override
  public void close() {
    consumer.close();
  }
}
