package io.faultline.scheduler.runs;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.probe.RunEvent;
import io.faultline.events.topics.Topics;
import io.faultline.scheduler.engine.SchedulerProperties;
import io.faultline.scheduler.kafka.KafkaClients;
import io.faultline.scheduler.web.LimitExceededException;
import io.faultline.telemetry.kafka.ConsumerLiveness;
import io.faultline.telemetry.kafka.PoisonRecords;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Fans the lifecycle topic and the run-events topic out to Server-Sent Events subscribers. Every
 * instance reads every partition of both from the end (no consumer group: a subscriber may be
 * connected to any instance), and queues each event for the subscribers of its tenant only; each
 * subscriber's own thread sends it ({@link SseSubscriber}), so a slow client never holds up this
 * reader or another client, and one a whole queue behind is dropped ({@value #DROPPED}). It decodes
 * only records of tenants with a subscriber here; one it cannot read (poison) is counted, logged
 * once with its offset and skipped. It reports itself as the reader {@value #READER} to {@link
 * ConsumerLiveness}.
 *
 * <p>Streams are bounded per instance: per tenant and in total; one more is refused with 429.
 */
@Component
class LifecycleStream implements AutoCloseable {
  static final String READER = "lifecycle-sse";

  /** The SSE event name of run events: their CloudEvents type. */
  static final String RUN_EVENT = "io.faultline.run.v1";

  /** Clients dropped because they fell a whole queue behind. */
  static final String DROPPED = "faultline.scheduler.sse.dropped";

  /** Open event streams on this instance (gauge). */
  static final String CONNECTIONS = "faultline.scheduler.sse.connections";

  /** Streams refused at a bound, by {@code limit} (the problem's rule). */
  static final String REFUSED = "faultline.scheduler.sse.refused";

  static final String PER_TENANT = "maxConnectionsPerTenant";
  static final String TOTAL = "maxConnections";

  /** What a refused client is told to wait: streams end at their timeout or when clients go. */
  static final Duration RETRY_AFTER = Duration.ofSeconds(10);

  private static final Logger log = LoggerFactory.getLogger(LifecycleStream.class);

  /** Changed only under {@link #limits}; the reader reads it without. */
  private final Map<String, Set<SseSubscriber>> subscribers = new ConcurrentHashMap<>();

  private final Object limits = new Object();
  private final AtomicInteger open = new AtomicInteger();
  private final SchedulerProperties properties;
  private final SchedulerProperties.Bounds bounds;
  private final Consumer<String, byte[]> consumer;
  private final PoisonRecords poison;
  private final ConsumerLiveness liveness;
  private final MeterRegistry registry;
  private final Counter dropped;
  private final Thread thread;
  private volatile boolean running = true;

  LifecycleStream(
      SchedulerProperties properties,
      KafkaClients clients,
      PoisonRecords poison,
      ConsumerLiveness liveness,
      MeterRegistry registry) {
    this.properties = properties;
    this.bounds = properties.bounds();
    this.poison = poison;
    this.liveness = liveness;
    this.registry = registry;
    this.dropped =
        Counter.builder(DROPPED)
            .description("event stream clients dropped for reading too slowly")
            .register(registry);
    Gauge.builder(CONNECTIONS, open, AtomicInteger::get)
        .description("open event streams on this instance")
        .register(registry);
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

  /**
   * Opens a stream of the tenant's events.
   *
   * @throws LimitExceededException 429 when the instance or the tenant has as many open streams as
   *     it may
   */
  SseEmitter subscribe(String tenantId) {
    SseSubscriber subscriber;
    synchronized (limits) {
      Set<SseSubscriber> set = subscribers.getOrDefault(tenantId, Set.of());
      int total = bounds.sseConnections();
      if (open.get() >= total) {
        throw refused(
            TOTAL,
            total,
            "this instance has "
                + open.get()
                + " open event streams, at most "
                + total
                + "; retry later");
      }
      int perTenant = bounds.sseConnectionsPerTenant();
      if (set.size() >= perTenant) {
        throw refused(
            PER_TENANT,
            perTenant,
            "tenant "
                + tenantId
                + " has "
                + set.size()
                + " open event streams on this instance, at most "
                + perTenant
                + "; close one, or retry later");
      }
      subscriber =
          new SseSubscriber(
              tenantId,
              new SseEmitter(properties.sseTimeout().toMillis()),
              bounds.sseClientQueue(),
              properties.sseHeartbeat(),
              this::remove);
      subscribers.computeIfAbsent(tenantId, t -> ConcurrentHashMap.newKeySet()).add(subscriber);
      open.incrementAndGet();
    }
    SseEmitter emitter = subscriber.emitter();
    Runnable ended =
        () -> {
          remove(subscriber);
          subscriber.stop();
        };
    emitter.onCompletion(ended);
    emitter.onTimeout(ended);
    emitter.onError(e -> ended.run());
    try {
      // A first comment flushes the headers, so clients know the stream is open. Not sent yet:
      // the emitter keeps it until Spring writes the response, so this never waits on the client.
      emitter.send(SseEmitter.event().comment("subscribed to " + tenantId));
    } catch (IOException e) {
      ended.run();
      return emitter;
    }
    subscriber.start();
    return emitter;
  }

  private LimitExceededException refused(String rule, int limit, String message) {
    registry.counter(REFUSED, "limit", rule).increment();
    // The tenant's id is in the path, so its streams are named by it; the instance's are not.
    return LimitExceededException.tooMany(
        rule.equals(PER_TENANT) ? "tenantId" : "$", rule, limit, message, RETRY_AFTER);
  }

  /** Removes a subscriber from the lists and the counts; again is a no-op. */
  private void remove(SseSubscriber subscriber) {
    if (!subscriber.detach()) {
      return;
    }
    synchronized (limits) {
      Set<SseSubscriber> set = subscribers.get(subscriber.tenantId());
      if (set != null) {
        set.remove(subscriber);
        if (set.isEmpty()) {
          subscribers.remove(subscriber.tenantId());
        }
      }
      open.decrementAndGet();
    }
  }

  /** Open streams on this instance. */
  int open() {
    return open.get();
  }

  private void loop() {
    String stopped = "closed";
    try {
      List<TopicPartition> partitions = List.of();
      while (running && partitions.isEmpty()) {
        partitions = partitions();
        if (partitions.isEmpty()) {
          log.warn(
              "{} or {} does not exist yet; live streams wait for them",
              Topics.FAULT_LIFECYCLE,
              Topics.RUN_EVENTS);
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

  /** Every partition of both topics, or none until both exist. */
  private List<TopicPartition> partitions() {
    List<TopicPartition> lifecycle = partitions(Topics.FAULT_LIFECYCLE.name());
    List<TopicPartition> runEvents = partitions(Topics.RUN_EVENTS.name());
    if (lifecycle.isEmpty() || runEvents.isEmpty()) {
      return List.of();
    }
    return java.util.stream.Stream.concat(lifecycle.stream(), runEvents.stream()).toList();
  }

  private List<TopicPartition> partitions(String topic) {
    try {
      return consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition()))
          .toList();
    } catch (TimeoutException e) {
      // The cluster is not reachable yet; keep trying rather than stop live streams for good.
      log.warn("no metadata for {} yet: {}", topic, e.getMessage());
      return List.of();
    }
  }

  private void dispatch(ConsumerRecord<String, byte[]> record) {
    // No key: no tenant, so no subscriber (the engine counts such records as poison).
    Set<SseSubscriber> set = record.key() == null ? null : subscribers.get(record.key());
    if (set == null || set.isEmpty()) {
      return;
    }
    SseSubscriber.Event sent =
        record.topic().equals(Topics.RUN_EVENTS.name()) ? runEvent(record) : lifecycle(record);
    for (SseSubscriber subscriber : set) {
      if (!subscriber.offer(sent)) {
        remove(subscriber);
        subscriber.drop();
        dropped.increment();
        log.info(
            "dropped an event stream of tenant {}: its client is {} events behind",
            subscriber.tenantId(),
            bounds.sseClientQueue());
      }
    }
  }

  /** A lifecycle event: named by its stage, id {@code faultId:sequence}. */
  private static SseSubscriber.Event lifecycle(ConsumerRecord<String, byte[]> record) {
    FaultlineEvent<FaultLifecycleEvent> event =
        EventCodec.standard()
            .decode(Topics.FAULT_LIFECYCLE, record.key(), record.headers(), record.value());
    FaultLifecycleEvent data = event.data();
    return new SseSubscriber.Event(
        data.faultId() + ":" + data.sequence(),
        data.stage().name(),
        new String(EventCodec.standard().toJson(data), StandardCharsets.UTF_8));
  }

  /**
   * A run event (reading, result, breach, verdict): named by its CloudEvents type ({@value
   * #RUN_EVENT}), so a client tells it from lifecycle events by name; id its event id.
   */
  private static SseSubscriber.Event runEvent(ConsumerRecord<String, byte[]> record) {
    FaultlineEvent<RunEvent> event =
        EventCodec.standard()
            .decode(Topics.RUN_EVENTS, record.key(), record.headers(), record.value());
    return new SseSubscriber.Event(
        event.data().eventId(),
        event.type(),
        new String(EventCodec.standard().toJson(event.data()), StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    running = false;
    subscribers.values().forEach(set -> set.forEach(SseSubscriber::stop));
    if (thread.isAlive()) {
      consumer.wakeup();
    } else if (thread.getState() == Thread.State.NEW) {
      consumer.close();
    }
  }
}
