package io.faultline.scheduler.runs;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.topics.Topics;
import io.faultline.scheduler.engine.SchedulerProperties;
import io.faultline.scheduler.kafka.KafkaClients;
import io.faultline.telemetry.kafka.ConsumerLiveness;
import io.faultline.telemetry.kafka.PoisonRecords;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Fans the lifecycle topic out to Server-Sent Events subscribers. Every instance reads every
 * partition from the end (no consumer group: a subscriber may be connected to any instance), and
 * sends each event to the subscribers of its tenant only. It decodes only records of tenants with a
 * subscriber here; one it cannot read or send (poison) is counted, logged once with its offset and
 * skipped. It reports itself as the reader {@value #READER} to {@link ConsumerLiveness}.
 */
@Component
class LifecycleStream implements AutoCloseable {
  static final String READER = "lifecycle-sse";

  private static final Logger log = LoggerFactory.getLogger(LifecycleStream.class);

  private final Map<String, Set<SseEmitter>> subscribers = new ConcurrentHashMap<>();
  private final SchedulerProperties properties;
  private final Consumer<String, byte[]> consumer;
  private final PoisonRecords poison;
  private final ConsumerLiveness liveness;
  private final Thread thread;
  private volatile boolean running = true;

  LifecycleStream(
      SchedulerProperties properties,
      KafkaClients clients,
      PoisonRecords poison,
      ConsumerLiveness liveness) {
    this.properties = properties;
    this.poison = poison;
    this.liveness = liveness;
    this.consumer =
        clients.consumer(
            Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.CLIENT_ID_CONFIG,
                "scheduler-sse"),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    this.thread = new Thread(this::loop, READER);
    this.thread.setDaemon(true);
  }

  /** Starts reading once the application (and its topics) are ready. */
  @EventListener(ApplicationReadyEvent.class)
  void start() {
    if (!thread.isAlive()) {
      liveness.running(READER);
      thread.start();
    }
  }

  SseEmitter subscribe(String tenantId) {
    SseEmitter emitter = new SseEmitter(properties.sseTimeout().toMillis());
    Set<SseEmitter> set = subscribers.computeIfAbsent(tenantId, t -> new CopyOnWriteArraySet<>());
    set.add(emitter);
    Runnable remove = () -> set.remove(emitter);
    emitter.onCompletion(remove);
    emitter.onTimeout(remove);
    emitter.onError(e -> remove.run());
    try {
      // A first comment flushes the headers, so clients know the stream is open.
      emitter.send(SseEmitter.event().comment("subscribed to " + tenantId));
    } catch (IOException e) {
      remove.run();
    }
    return emitter;
  }

  private void loop() {
    String stopped = "closed";
    try {
      List<TopicPartition> partitions = List.of();
      while (running && partitions.isEmpty()) {
        partitions = partitions();
        if (partitions.isEmpty()) {
          log.warn("{} does not exist yet; live streams wait for it", Topics.FAULT_LIFECYCLE);
          consumer.poll(Duration.ofSeconds(1));
        }
      }
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position);
      while (running) {
        ConsumerRecords<String, byte[]> records;
        try {
          records = consumer.poll(Duration.ofMillis(500));
        } catch (RecordDeserializationException e) {
          poison.skipped(e.topicPartition().topic(), e.topicPartition().partition(), e.offset(), e);
          consumer.seek(e.topicPartition(), e.offset() + 1);
          continue;
        }
        for (ConsumerRecord<String, byte[]> record : records) {
          try {
            dispatch(record);
          } catch (RuntimeException e) {
            poison.skipped(record.topic(), record.partition(), record.offset(), e);
          }
        }
      }
    } catch (WakeupException e) {
      log.debug("lifecycle stream stopped");
    } catch (RuntimeException e) {
      if (running) {
        stopped = "failed: " + PoisonRecords.describe(e);
        log.error("lifecycle stream failed; live streams stop", e);
      }
    } finally {
      liveness.stopped(READER, stopped);
      consumer.close();
    }
  }

  private List<TopicPartition> partitions() {
    try {
      return consumer.partitionsFor(Topics.FAULT_LIFECYCLE.name(), Duration.ofSeconds(10)).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition()))
          .toList();
    } catch (TimeoutException e) {
      // The cluster is not reachable yet; keep trying rather than stop live streams for good.
      log.warn("no metadata for {} yet: {}", Topics.FAULT_LIFECYCLE, e.getMessage());
      return List.of();
    }
  }

  private void dispatch(ConsumerRecord<String, byte[]> record) {
    // No key: no tenant, so no subscriber (the engine counts such records as poison).
    Set<SseEmitter> set = record.key() == null ? null : subscribers.get(record.key());
    if (set == null || set.isEmpty()) {
      return;
    }
    FaultlineEvent<FaultLifecycleEvent> event =
        EventCodec.standard()
            .decode(Topics.FAULT_LIFECYCLE, record.key(), record.headers(), record.value());
    FaultLifecycleEvent data = event.data();
    String json = new String(EventCodec.standard().toJson(data), StandardCharsets.UTF_8);
    for (SseEmitter emitter : set) {
      try {
        emitter.send(
            SseEmitter.event()
                .id(data.faultId() + ":" + data.sequence())
                .name(data.stage().name())
                .data(json, MediaType.APPLICATION_JSON));
      } catch (IOException | IllegalStateException e) {
        set.remove(emitter);
      }
    }
  }

  @Override
  public void close() {
    running = false;
    if (thread.isAlive()) {
      consumer.wakeup();
    } else if (thread.getState() == Thread.State.NEW) {
      consumer.close();
    }
  }
}
