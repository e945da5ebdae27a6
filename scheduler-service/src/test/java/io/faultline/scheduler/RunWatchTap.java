package io.faultline.scheduler;

import static org.awaitility.Awaitility.await;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.probe.RunWatch;
import io.faultline.events.topics.Topics;
import io.faultline.testsupport.TestKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads {@code faultline.run-watches.v1} from the beginning as an executor would (committed records
 * only), keeping tombstones: per run key, every watch the scheduler wrote and, once the run ended,
 * its tombstone ({@link Optional#empty()}). Watches are decoded with the contract's codec.
 */
final class RunWatchTap implements AutoCloseable {
  private final KafkaConsumer<String, byte[]> consumer;
  private final List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
  private final Thread thread;
  private volatile boolean closed;

  RunWatchTap() {
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
                    consumer.partitionsFor(Topics.RUN_WATCHES.name()).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition()))
                        .toList(),
                list -> !list.isEmpty());
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    thread = Thread.ofPlatform().daemon().name("tap-run-watches").start(this::run);
  }

  private void run() {
    try {
      while (!closed) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          synchronized (records) {
            records.add(r);
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close();
    }
  }

  /** What was written under a run key, in order: each watch, or empty for a tombstone. */
  List<Optional<RunWatch>> of(String tenant, String runId) {
    String key = tenant + "/" + runId;
    List<ConsumerRecord<String, byte[]>> mine;
    synchronized (records) {
      mine = records.stream().filter(r -> key.equals(r.key())).toList();
    }
    return mine.stream()
        .map(
            r ->
                r.value() == null
                    ? Optional.<RunWatch>empty()
                    : Optional.of(
                        EventCodec.standard()
                            .decode(Topics.RUN_WATCHES, r.key(), r.headers(), r.value())
                            .data()))
        .toList();
  }

  /** The last watch written for the run; empty when none was, or it was tombstoned. */
  Optional<RunWatch> latest(String tenant, String runId) {
    List<Optional<RunWatch>> all = of(tenant, runId);
    return all.isEmpty() ? Optional.empty() : all.getLast();
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
