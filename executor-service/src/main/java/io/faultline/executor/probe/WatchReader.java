package io.faultline.executor.probe;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.probe.RunWatch;
import io.faultline.events.topics.Topics;
import io.faultline.executor.fault.Backoff;
import io.faultline.executor.kafka.KafkaClients;
import io.faultline.telemetry.kafka.ConsumerLiveness;
import io.faultline.telemetry.kafka.PoisonRecords;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code faultline.run-watches.v1} in the consumer group {@code faultline-probes} (ADR 0010):
 * each executor evaluates the watches of the partitions it owns. Offsets are never committed: an
 * assigned partition is read again from its beginning (the topic is compacted, so that is each
 * run's latest watch) and its watches rebuilt; a revoked or lost one stops its watches.
 *
 * <p>Nothing on the topic stops it: a record it cannot read is counted as poison and skipped, and a
 * failed poll is retried with backoff while the reader reports itself stopped (readiness down).
 */
final class WatchReader implements AutoCloseable {
  /** The reader's name in {@link ConsumerLiveness}. */
  static final String READER = "run-watches";

  private static final Logger log = LoggerFactory.getLogger(WatchReader.class);
  private static final Duration FIRST_RETRY_PAUSE = Duration.ofMillis(100);
  private static final Duration MAX_RETRY_PAUSE = Duration.ofSeconds(5);

  private final Watches watches;
  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaClientMetrics consumerMetrics;
  private final PoisonRecords poison;
  private final ConsumerLiveness readers;
  private Thread thread;
  private volatile boolean closed;

  WatchReader(
      KafkaClients kafka,
      String groupId,
      String executorId,
      Duration sessionTimeout,
      Watches watches,
      MeterRegistry meters,
      PoisonRecords poison,
      ConsumerLiveness readers) {
    this.watches = watches;
    this.poison = poison;
    this.readers = readers;
    int session = (int) sessionTimeout.toMillis();
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "faultline-probes-" + executorId);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, session);
    config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Math.max(500, session / 3));
    // Only partitions that really move are revoked: other runs' watches keep their rhythm.
    config.put(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    this.consumer =
        kafka.consumer(READER, config, new StringDeserializer(), new ByteArrayDeserializer());
    this.consumerMetrics = new KafkaClientMetrics(consumer, Tags.of("consumer", READER));
    consumerMetrics.bindTo(meters);
  }

  void start() {
    readers.running(READER);
    thread = Thread.ofPlatform().name("faultline-run-watches").daemon().start(this::run);
  }

  private void run() {
    consumer.subscribe(List.of(Topics.RUN_WATCHES.name()), new Rebalance());
    Backoff retry = null;
    try {
      while (!closed) {
        try {
          for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
            accept(record);
          }
          if (retry != null) {
            retry = null;
            readers.running(READER);
          }
        } catch (RecordDeserializationException e) {
          poison.skipped(e.topicPartition().topic(), e.topicPartition().partition(), e.offset(), e);
          consumer.seek(e.topicPartition(), e.offset() + 1);
        } catch (WakeupException e) {
          throw e;
        } catch (RuntimeException e) {
          readers.stopped(READER, "poll failed: " + PoisonRecords.describe(e));
          if (retry == null) {
            retry = new Backoff(FIRST_RETRY_PAUSE, MAX_RETRY_PAUSE);
          }
          Duration pause = retry.next();
          log.error(
              "run-watches consumer cannot read (retrying in {} ms): new watches and phase"
                  + " changes are not applied meanwhile",
              pause.toMillis(),
              e);
          pauseFor(pause);
        }
      }
    } catch (WakeupException e) {
      if (!closed) {
        readers.stopped(READER, "woken up unexpectedly");
      }
    } catch (RuntimeException e) {
      readers.stopped(READER, "stopped: " + PoisonRecords.describe(e));
      log.error("run-watches consumer stopped: no run is watched by this executor", e);
    } finally {
      consumerMetrics.close();
      consumer.close(Duration.ofSeconds(2));
    }
  }

  private void accept(ConsumerRecord<String, byte[]> record) {
    try {
      FaultlineEvent<RunWatch> event =
          EventCodec.standard()
              .decode(Topics.RUN_WATCHES, record.key(), record.headers(), record.value());
      if (event == null && record.key() == null) {
        throw new IllegalArgumentException("a tombstone without a key names no run");
      }
      watches.apply(record.partition(), record.key(), event == null ? null : event.data());
    } catch (RuntimeException e) {
      // Whatever a record provokes, it is this record's problem: count it and go on.
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

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      // Rebuild from the compacted records: each run's latest watch, at most one interval re-read.
      consumer.seekToBeginning(partitions);
      log.info(
          "run-watches partitions {} assigned",
          partitions.stream().map(TopicPartition::partition).toList());
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      drop(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      drop(partitions);
    }

    private void drop(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      List<Integer> numbers = partitions.stream().map(TopicPartition::partition).toList();
      log.info("run-watches partitions {} move to another executor", numbers);
      watches.drop(numbers);
    }
  }

  @Override
  public void close() {
    closed = true;
    consumer.wakeup();
    if (thread != null) {
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
