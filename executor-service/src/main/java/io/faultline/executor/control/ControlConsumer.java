package io.faultline.executor.control;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.control.FaultControl;
import io.faultline.events.topics.Topics;
import io.faultline.events.validation.ContractViolationException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the whole controls topic on every executor: all partitions assigned (no consumer group, no
 * committed offsets), from the beginning, then follows it. {@link #awaitCaughtUp} lets start-up
 * wait until the halt state is known.
 */
public final class ControlConsumer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControlConsumer.class);

  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaClientMetrics consumerMetrics;
  private final Controls controls;
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private final Thread thread;
  private volatile boolean closed;

  public ControlConsumer(String bootstrapServers, Controls controls) {
    this(bootstrapServers, controls, new CompositeMeterRegistry());
  }

  /**
   * @param meters receives the consumer's Kafka client metrics (tag {@code consumer=controls}), lag
   *     included
   */
  public ControlConsumer(String bootstrapServers, Controls controls, MeterRegistry meters) {
    this.controls = controls;
    this.consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    this.consumerMetrics = new KafkaClientMetrics(consumer, Tags.of("consumer", "controls"));
    consumerMetrics.bindTo(meters);
    this.thread = Thread.ofPlatform().name("faultline-controls").daemon().start(this::run);
  }

  /** Waits until every control that existed at start-up has been applied. */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void run() {
    try {
      List<TopicPartition> partitions = List.of();
      while (partitions.isEmpty() && !closed) {
        // Right after the topic is created its metadata may not list partitions yet.
        partitions =
            consumer.partitionsFor(Topics.FAULT_CONTROLS.name(), Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (!closed) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          apply(record);
        }
        if (caughtUp.getCount() > 0
            && end.entrySet().stream()
                .allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
          log.info("controls caught up ({} partitions)", partitions.size());
          caughtUp.countDown();
        }
      }
    } catch (WakeupException e) {
      if (!closed) {
        log.error("controls consumer woken up unexpectedly", e);
      }
    } catch (RuntimeException e) {
      log.error("controls consumer stopped: aborts and halts are no longer applied", e);
    } finally {
      consumerMetrics.close();
      consumer.close(Duration.ofSeconds(2));
    }
  }

  private void apply(ConsumerRecord<String, byte[]> record) {
    try {
      FaultlineEvent<FaultControl> event =
          EventCodec.standard()
              .decode(Topics.FAULT_CONTROLS, record.key(), record.headers(), record.value());
      if (event != null) {
        log.info("control {} for {}", event.data().action(), event.data().key());
        controls.apply(event.data());
      }
    } catch (ContractViolationException e) {
      log.warn(
          "ignoring an invalid control at {}-{}@{}: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          e.getMessage());
    }
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
