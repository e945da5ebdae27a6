package io.faultline.executor.control;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.control.FaultControl;
import io.faultline.events.topics.Topics;
import io.faultline.executor.fault.Backoff;
import io.faultline.executor.kafka.KafkaClients;
import io.faultline.telemetry.kafka.ConsumerLiveness;
import io.faultline.telemetry.kafka.PoisonRecords;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the whole controls topic on every executor: all partitions assigned (no consumer group, no
 * committed offsets), from the beginning, then follows it. {@link #awaitCaughtUp} lets start-up
 * wait until the halt state is known.
 *
 * <p>Nothing on the topic can stop it: a record it cannot read is counted as poison and skipped,
 * and a failed poll is retried with backoff while the reader reports itself stopped (readiness
 * down, {@link #isApplying} false, so the executor starts no new fault blind to halts).
 */
public final class ControlConsumer implements AutoCloseable {
  /** The reader's name in {@link ConsumerLiveness}. */
  public static final String READER = "controls";

  private static final Logger log = LoggerFactory.getLogger(ControlConsumer.class);
  private static final Duration FIRST_RETRY_PAUSE = Duration.ofMillis(100);
  private static final Duration MAX_RETRY_PAUSE = Duration.ofSeconds(5);

  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaClientMetrics consumerMetrics;
  private final Controls controls;
  private final PoisonRecords poison;
  private final ConsumerLiveness readers;
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private final Thread thread;
  private volatile boolean closed;
  private volatile boolean applying;

  /**
   * @param meters receives the consumer's Kafka client metrics (tag {@code consumer=controls}), lag
   *     included
   */
  public ControlConsumer(
      KafkaClients kafka,
      Controls controls,
      MeterRegistry meters,
      PoisonRecords poison,
      ConsumerLiveness readers) {
    this.controls = controls;
    this.poison = poison;
    this.readers = readers;
    this.consumer =
        kafka.consumer(
            READER,
            Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    this.consumerMetrics = new KafkaClientMetrics(consumer, Tags.of("consumer", READER));
    consumerMetrics.bindTo(meters);
    readers.running(READER);
    this.thread = Thread.ofPlatform().name("faultline-controls").daemon().start(this::run);
  }

  /** Waits until every control that existed at start-up has been applied. */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** True while controls are read and applied: caught up at start and the last poll succeeded. */
  public boolean isApplying() {
    return applying && !closed;
  }

  private void run() {
    try {
      List<TopicPartition> partitions = assignAll();
      if (partitions.isEmpty()) {
        return;
      }
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      Backoff retry = null;
      while (!closed) {
        try {
          for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
            apply(record);
          }
          retry = null;
          if (caughtUp.getCount() > 0
              && end.entrySet().stream()
                  .allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
            log.info("controls caught up ({} partitions)", partitions.size());
            caughtUp.countDown();
          }
          if (caughtUp.getCount() == 0 && !applying) {
            applying = true;
            readers.running(READER);
          }
        } catch (RecordDeserializationException e) {
          // A record the client itself cannot parse (e.g. a corrupt batch): step over it.
          poison.skipped(e.topicPartition().topic(), e.topicPartition().partition(), e.offset(), e);
          consumer.seek(e.topicPartition(), e.offset() + 1);
        } catch (WakeupException e) {
          throw e;
        } catch (RuntimeException e) {
          applying = false;
          readers.stopped(READER, "poll failed: " + PoisonRecords.describe(e));
          if (retry == null) {
            retry = new Backoff(FIRST_RETRY_PAUSE, MAX_RETRY_PAUSE);
          }
          Duration pause = retry.next();
          log.error(
              "controls consumer cannot read (retrying in {} ms): aborts and halts are not"
                  + " applied meanwhile, and no new fault starts",
              pause.toMillis(),
              e);
          pauseFor(pause);
        }
      }
    } catch (WakeupException e) {
      if (!closed) {
        log.error("controls consumer woken up unexpectedly", e);
      }
    } catch (RuntimeException e) {
      log.error("controls consumer stopped: aborts and halts are no longer applied", e);
    } finally {
      applying = false;
      if (!closed) {
        readers.stopped(READER, "stopped: aborts and halts are no longer applied");
      }
      consumerMetrics.close();
      consumer.close(Duration.ofSeconds(2));
    }
  }

  private List<TopicPartition> assignAll() {
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
    return partitions;
  }

  private void apply(ConsumerRecord<String, byte[]> record) {
    try {
      FaultlineEvent<FaultControl> event =
          EventCodec.standard()
              .decode(Topics.FAULT_CONTROLS, record.key(), record.headers(), record.value());
      if (event != null) {
        log.info("control {} for {}", event.data().action(), event.data().key());
        controls.apply(event.data());
      } else if (controls.cleared(record.key())) {
        // A tombstone: the fault or run it aborted has ended (not poison).
        log.debug("control for {} tombstoned", record.key());
      } else {
        poison.skipped(
            record.topic(),
            record.partition(),
            record.offset(),
            new IllegalArgumentException("a tombstone for no control scope: " + record.key()));
      }
    } catch (RuntimeException e) {
      // Contract violations and anything else a hostile record provokes: never the consumer's end.
      poison.skipped(record.topic(), record.partition(), record.offset(), e);
    }
  }

  private void pauseFor(Duration pause) {
    try {
      // Backoff between failed polls: there is nothing to wait on but time.
      Thread.sleep(pause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
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
