package io.faultline.policy.admission;

import static org.awaitility.Awaitility.await;

import io.faultline.events.client.ConsumerGroupProgress;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.topics.Topic;
import io.faultline.events.topics.Topics;
import io.faultline.testsupport.TestKafka;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The real test broker with one namespace of catalogue topics ({@code <prefix><catalogue name>}),
 * so integration tests sharing the broker never see each other's records.
 */
public final class Broker {
  static final URI TEST_SOURCE = URI.create("/faultline/test");

  public final String prefix;

  public Broker(String prefix) {
    this.prefix = prefix;
    TestKafka.createTopics(
        Topics.all().stream()
            .map(
                t ->
                    new NewTopic(prefix + t.name(), t.partitions(), (short) 1).configs(t.configs()))
            .toList());
    // Streams fails fast (INCOMPLETE_SOURCE_TOPIC_METADATA) if it starts before the broker's
    // metadata lists its source topics: wait until a client sees all of them.
    try (KafkaConsumer<String, byte[]> probe = committedConsumer()) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                Map<String, ?> visible = probe.listTopics(Duration.ofSeconds(5));
                return Topics.all().stream().allMatch(t -> visible.containsKey(topic(t)));
              });
    }
  }

  public static Broker unique(String name) {
    return new Broker(name + "-" + UUID.randomUUID().toString().substring(0, 8) + ".");
  }

  public String bootstrap() {
    return TestKafka.bootstrapServers();
  }

  public String topic(Topic<?> topic) {
    return prefix + topic.name();
  }

  public KafkaProducer<String, byte[]> producer() {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap(),
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.LINGER_MS_CONFIG,
            1),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  /** The record of an event for this namespace's copy of the topic. */
  public <T> ProducerRecord<String, byte[]> record(Topic<T> topic, T data) {
    ProducerRecord<String, byte[]> record =
        EventCodec.standard().encode(topic, FaultlineEvent.of(TEST_SOURCE, data));
    return new ProducerRecord<>(topic(topic), null, record.key(), record.value(), record.headers());
  }

  public <T> void send(Topic<T> topic, T data) {
    send(topic, data, null);
  }

  /** Sends an event carrying a W3C traceparent (null for none). */
  public <T> void send(Topic<T> topic, T data, String traceparent) {
    ProducerRecord<String, byte[]> encoded =
        EventCodec.standard()
            .encode(
                topic,
                FaultlineEvent.of(UUID.randomUUID().toString(), TEST_SOURCE, data, traceparent));
    try (KafkaProducer<String, byte[]> producer = producer()) {
      producer.send(
          new ProducerRecord<>(
              topic(topic), null, encoded.key(), encoded.value(), encoded.headers()));
    }
  }

  /** A consumer that only sees committed transactions, from the beginning of its topics. */
  public KafkaConsumer<String, byte[]> committedConsumer() {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap(),
            ConsumerConfig.GROUP_ID_CONFIG,
            "test-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false),
        new StringDeserializer(),
        new ByteArrayDeserializer());
  }

  /**
   * Waits until consumer group {@code groupId} has committed past everything now on {@code topic}.
   * Intake decides nothing, but once it has committed past a policy the policy's command is on the
   * admission log, so every request sent afterwards is admitted after it (a policy and a request
   * can sit in different intake tasks, which race each other).
   */
  public void awaitConsumed(String groupId, Topic<?> topic) {
    try (Admin admin = TestKafka.admin()) {
      Map<TopicPartition, Long> ends =
          ConsumerGroupProgress.endOffsets(admin, topic(topic), topic.partitions());
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> ConsumerGroupProgress.hasCommittedUpTo(admin, groupId, ends));
    }
  }

  /** Polls until {@code done} holds for everything read so far, or the timeout passes. */
  public static List<ConsumerRecord<String, byte[]>> pollUntil(
      KafkaConsumer<String, byte[]> consumer,
      Predicate<List<ConsumerRecord<String, byte[]>>> done,
      Duration timeout) {
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.test(records) && System.nanoTime() < deadline) {
      consumer.poll(Duration.ofMillis(200)).forEach(records::add);
    }
    return records;
  }
}
