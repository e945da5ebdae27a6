package io.faultline.executor;

import static org.awaitility.Awaitility.await;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.heartbeat.ExecutorHeartbeat;
import io.faultline.events.topics.Topics;
import io.faultline.testsupport.TestKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the whole heartbeat topic, decoding every record with {@link EventCodec} as the policy
 * service would; a record it cannot decode is kept as a failure, never skipped silently.
 */
public final class HeartbeatTap implements AutoCloseable {
  /** One heartbeat record as read: its data, and the broker's timestamp and its type. */
  public record Beat(ExecutorHeartbeat heartbeat, long timestamp, TimestampType timestampType) {}

  private final List<Beat> beats = new CopyOnWriteArrayList<>();
  private final List<String> undecodable = new CopyOnWriteArrayList<>();
  private final KafkaConsumer<String, byte[]> consumer;
  private final Thread thread;
  private volatile boolean closed;

  public HeartbeatTap() {
    consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestKafka.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    List<TopicPartition> partitions =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    consumer.partitionsFor(Topics.EXECUTOR_HEARTBEATS.name()).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition()))
                        .toList(),
                list -> !list.isEmpty());
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    thread = Thread.ofPlatform().daemon().name("heartbeat-tap").start(this::run);
  }

  private void run() {
    try {
      while (!closed) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          try {
            beats.add(
                new Beat(
                    EventCodec.standard()
                        .decode(Topics.EXECUTOR_HEARTBEATS, r.key(), r.headers(), r.value())
                        .data(),
                    r.timestamp(),
                    r.timestampType()));
          } catch (RuntimeException e) {
            undecodable.add(r.partition() + "@" + r.offset() + ": " + e.getMessage());
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close();
    }
  }

  /** Every heartbeat record of one executor read so far, in its order. */
  public List<Beat> of(String executorId) {
    return beats.stream().filter(b -> b.heartbeat().executorId().equals(executorId)).toList();
  }

  /** Records that did not decode (partition@offset: why). */
  public List<String> undecodable() {
    return List.copyOf(undecodable);
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
