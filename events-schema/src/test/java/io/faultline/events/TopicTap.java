package io.faultline.events;

import static org.awaitility.Awaitility.await;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.topics.Topic;
import io.faultline.testsupport.TestKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a contract topic from the beginning (committed records only, no consumer group) on its own
 * thread, decoding every record with the contract's own codec, key check included: a record that
 * breaks the contract fails the next read. Shared with the services through this module's test-jar.
 */
public final class TopicTap<T> implements AutoCloseable {
  private final Topic<T> topic;
  private final KafkaConsumer<String, byte[]> consumer;
  private final List<FaultlineEvent<T>> events = new ArrayList<>();
  private final Thread thread;
  private volatile RuntimeException failure;
  private volatile boolean closed;

  /** A tap on the test broker ({@link TestKafka}). */
  public TopicTap(Topic<T> topic) {
    this(TestKafka.bootstrapServers(), topic);
  }

  public TopicTap(String bootstrapServers, Topic<T> topic) {
    this.topic = topic;
    this.consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
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
                    consumer.partitionsFor(topic.name()).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition()))
                        .toList(),
                list -> !list.isEmpty());
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    thread = Thread.ofPlatform().daemon().name("tap-" + topic.name()).start(this::run);
  }

  private void run() {
    try {
      while (!closed) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          FaultlineEvent<T> event =
              EventCodec.standard().decode(topic, r.key(), r.headers(), r.value());
          if (event != null) {
            synchronized (events) {
              events.add(event);
            }
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      failure = e;
    } finally {
      consumer.close();
    }
  }

  /** Every event read so far whose data matches, in topic order per partition. */
  public List<FaultlineEvent<T>> envelopes(Predicate<T> filter) {
    RuntimeException failed = failure;
    if (failed != null) {
      throw new IllegalStateException(
          "a record on " + topic.name() + " broke the contract", failed);
    }
    synchronized (events) {
      return events.stream().filter(e -> filter.test(e.data())).toList();
    }
  }

  /** The data of every event read so far that matches. */
  public List<T> read(Predicate<T> filter) {
    return envelopes(filter).stream().map(FaultlineEvent::data).toList();
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
