package io.faultline.executor.kafka;

import io.faultline.executor.fault.Backoff;
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
import java.util.function.Consumer;
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
 * Reads a whole (compacted) topic on every executor: all partitions assigned (no consumer group, no
 * committed offsets), from the beginning, then follows it, handing each record to {@code apply}.
 * {@link #awaitCaughtUp} lets start-up wait until everything that existed is applied.
 *
 * <p>Nothing on the topic can stop it: {@code apply} counts what it cannot read as poison (a record
 * the client itself cannot parse is skipped here), and a failed poll is retried with backoff while
 * the reader reports itself stopped (readiness down, {@link #isApplying} false).
 */
public final class WholeTopicReader implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WholeTopicReader.class);
  private static final Duration FIRST_RETRY_PAUSE = Duration.ofMillis(100);
  private static final Duration MAX_RETRY_PAUSE = Duration.ofSeconds(5);

  /**
   * What a reader is.
   *
   * @param name the reader's name in {@link ConsumerLiveness} and its metrics' {@code consumer} tag
   * @param topic the topic read
   * @param applies what its records carry that is not applied while it cannot read (for logs and
   *     readiness), e.g. "aborts and halts"
   * @param readyOnceCaughtUp whether the reader counts as running only once caught up (a reader
   *     whose state must be whole before anything may act on it)
   */
  public record Spec(String name, String topic, String applies, boolean readyOnceCaughtUp) {}

  private final Spec spec;
  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaClientMetrics consumerMetrics;
  private final Consumer<ConsumerRecord<String, byte[]>> apply;
  private final PoisonRecords poison;
  private final ConsumerLiveness readers;
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private final Thread thread;
  private volatile boolean closed;
  private volatile boolean applying;

  /**
   * Starts reading.
   *
   * @param meters receives the consumer's Kafka client metrics (tag {@code consumer=<name>}), lag
   *     included
   * @param apply applies one record; it must not throw (poison is its to count)
   */
  public WholeTopicReader(
      KafkaClients kafka,
      Spec spec,
      Consumer<ConsumerRecord<String, byte[]>> apply,
      MeterRegistry meters,
      PoisonRecords poison,
      ConsumerLiveness readers) {
    this.spec = spec;
    this.apply = apply;
    this.poison = poison;
    this.readers = readers;
    this.consumer =
        kafka.consumer(
            spec.name(),
            Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    this.consumerMetrics = new KafkaClientMetrics(consumer, Tags.of("consumer", spec.name()));
    consumerMetrics.bindTo(meters);
    readers.running(spec.name());
    this.thread = Thread.ofPlatform().name("faultline-" + spec.name()).daemon().start(this::run);
  }

  /** Waits until every record that existed at start-up has been applied. */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** True while records are read and applied: caught up at start and the last poll succeeded. */
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
            apply.accept(record);
          }
          retry = null;
          if (caughtUp.getCount() > 0
              && end.entrySet().stream()
                  .allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
            log.info("{} caught up ({} partitions)", spec.name(), partitions.size());
            caughtUp.countDown();
          }
          boolean ready = caughtUp.getCount() == 0 || !spec.readyOnceCaughtUp();
          if (ready && !applying) {
            applying = true;
            readers.running(spec.name());
          }
        } catch (RecordDeserializationException e) {
          // A record the client itself cannot parse (e.g. a corrupt batch): step over it.
          poison.skipped(e.topicPartition().topic(), e.topicPartition().partition(), e.offset(), e);
          consumer.seek(e.topicPartition(), e.offset() + 1);
        } catch (WakeupException e) {
          throw e;
        } catch (RuntimeException e) {
          applying = false;
          readers.stopped(spec.name(), "poll failed: " + PoisonRecords.describe(e));
          if (retry == null) {
            retry = new Backoff(FIRST_RETRY_PAUSE, MAX_RETRY_PAUSE);
          }
          Duration pause = retry.next();
          log.error(
              "{} consumer cannot read (retrying in {} ms): {} are not applied meanwhile",
              spec.name(),
              pause.toMillis(),
              spec.applies(),
              e);
          pauseFor(pause);
        }
      }
    } catch (WakeupException e) {
      if (!closed) {
        log.error("{} consumer woken up unexpectedly", spec.name(), e);
      }
    } catch (RuntimeException e) {
      log.error("{} consumer stopped: {} are no longer applied", spec.name(), spec.applies(), e);
    } finally {
      applying = false;
      if (!closed) {
        readers.stopped(spec.name(), "stopped: " + spec.applies() + " are no longer applied");
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
          consumer.partitionsFor(spec.topic(), Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return partitions;
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
