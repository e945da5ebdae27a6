package io.faultline.scheduler.runs;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.topics.Topics;
import io.faultline.events.validation.ContractViolationException;
import io.faultline.scheduler.engine.SchedulerProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Fans the lifecycle topic out to Server-Sent Events subscribers. Every instance reads every
 * partition from the end (no consumer group: a subscriber may be connected to any instance), and
 * sends each event to the subscribers of its tenant only.
 */
@Component
class LifecycleStream implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LifecycleStream.class);

  private final Map<String, Set<SseEmitter>> subscribers = new ConcurrentHashMap<>();
  private final SchedulerProperties properties;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Thread thread;
  private volatile boolean running = true;

  LifecycleStream(
      SchedulerProperties properties,
      @Value("${spring.kafka.bootstrap-servers}") String bootstrapServers) {
    this.properties = properties;
    this.consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.CLIENT_ID_CONFIG,
                "scheduler-sse"),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    this.thread = new Thread(this::loop, "lifecycle-sse");
    this.thread.setDaemon(true);
  }

  /** Starts reading once the application (and its topics) are ready. */
  @EventListener(ApplicationReadyEvent.class)
  void start() {
    if (!thread.isAlive()) {
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
    try {
      List<TopicPartition> partitions = List.of();
      while (running && partitions.isEmpty()) {
        partitions =
            consumer.partitionsFor(Topics.FAULT_LIFECYCLE.name(), Duration.ofSeconds(10)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        if (partitions.isEmpty()) {
          log.warn("{} does not exist yet; live streams wait for it", Topics.FAULT_LIFECYCLE);
          consumer.poll(Duration.ofSeconds(1));
        }
      }
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position);
      while (running) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          dispatch(record);
        }
      }
    } catch (WakeupException e) {
      log.debug("lifecycle stream stopped");
    } catch (RuntimeException e) {
      if (running) {
        log.error("lifecycle stream failed; live streams stop", e);
      }
    } finally {
      consumer.close();
    }
  }

  private void dispatch(ConsumerRecord<String, byte[]> record) {
    Set<SseEmitter> set = subscribers.get(record.key());
    if (set == null || set.isEmpty()) {
      return;
    }
    FaultlineEvent<FaultLifecycleEvent> event;
    try {
      event =
          EventCodec.standard()
              .decode(Topics.FAULT_LIFECYCLE, record.key(), record.headers(), record.value());
    } catch (ContractViolationException e) {
      return;
    }
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
    consumer.wakeup();
  }
}
