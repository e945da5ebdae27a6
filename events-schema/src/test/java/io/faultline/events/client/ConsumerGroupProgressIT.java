package io.faultline.events.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.testsupport.TestKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class ConsumerGroupProgressIT {
  final String topic = "progress-" + UUID.randomUUID();
  final String group = "progress-group-" + UUID.randomUUID();

  @Test
  void aGroupHasCommittedUpToTheEndsOnlyOnceItsOffsetsReachEveryNonEmptyPartition()
      throws Exception {
    TestKafka.createTopics(List.of(new NewTopic(topic, 2, (short) 1)));
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
            new StringSerializer(),
            new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, 0, "k", "one")).get();
      producer.send(new ProducerRecord<>(topic, 0, "k", "two")).get();
    }
    TopicPartition written = new TopicPartition(topic, 0);
    try (Admin admin = TestKafka.admin()) {
      Map<TopicPartition, Long> ends = ConsumerGroupProgress.endOffsets(admin, topic, 2);
      assertThat(ends).containsEntry(written, 2L).containsEntry(new TopicPartition(topic, 1), 0L);
      assertThat(ConsumerGroupProgress.hasCommittedUpTo(admin, group, ends)).isFalse();

      commit(written, 1);
      assertThat(ConsumerGroupProgress.hasCommittedUpTo(admin, group, ends)).isFalse();
      commit(written, 2);
      // Partition 1 is empty: nothing to have read there.
      assertThat(ConsumerGroupProgress.hasCommittedUpTo(admin, group, ends)).isTrue();
    }
  }

  private void commit(TopicPartition partition, long offset) {
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestKafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                group),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.assign(List.of(partition));
      consumer.commitSync(Map.of(partition, new OffsetAndMetadata(offset)), Duration.ofSeconds(30));
    }
  }
}
