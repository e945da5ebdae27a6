package io.faultline.scheduler;

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
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a contract topic from the beginning (committed records only), decoding every record with
 * the contract's own codec, key check included: a record that breaks the contract fails the test.
 */
final class TopicTap<T> implements AutoCloseable {
  private final Topic<T> topic;
  private final KafkaConsumer<String, byte[]> consumer;
  private final List<FaultlineEvent<T>> events = new ArrayList<>();

  TopicTap(Topic<T> topic) {
    this.topic = topic;
    this.consumer =
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
        consumer.partitionsFor(topic.name()).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /** Every event so far that matches, decoded with {@code EventCodec.standard().decode}. */
  synchronized List<T> read(Predicate<T> filter) {
    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
      FaultlineEvent<T> event =
          EventCodec.standard().decode(topic, r.key(), r.headers(), r.value());
      if (event != null) {
        events.add(event);
      }
    }
    return events.stream().map(FaultlineEvent::data).filter(filter).toList();
  }

  synchronized List<FaultlineEvent<T>> envelopes(Predicate<T> filter) {
    read(x -> true);
    return events.stream().filter(e -> filter.test(e.data())).toList();
  }

  @Override
  public void close() {
    consumer.close();
  }
}
