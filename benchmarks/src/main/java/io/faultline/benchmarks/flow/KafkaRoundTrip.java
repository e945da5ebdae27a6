package io.faultline.benchmarks.flow;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The raw Kafka leg: one record produced (acks=all, idempotent, the benchmark's own producer) and
 * consumed by a plain consumer on the same broker; each sample is send → received.
 */
final class KafkaRoundTrip {
  static final String TOPIC = "bench.round-trip";

  private KafkaRoundTrip() {}

  static Latencies measure(BenchPlatform platform, int samples) {
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                platform.bootstrapServers(),
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
                100,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class))) {
      TopicPartition partition = new TopicPartition(TOPIC, 0);
      consumer.assign(List.of(partition));
      consumer.seekToEnd(List.of(partition));
      consumer.position(partition);
      List<Long> nanos = new ArrayList<>();
      for (int i = 0; i < samples; i++) {
        long sent = System.nanoTime();
        platform
            .producer()
            .send(
                new ProducerRecord<>(
                    TOPIC, "k", ByteBuffer.allocate(Long.BYTES).putLong(sent).array()))
            .get();
        long received = 0;
        while (received == 0) {
          for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
            if (ByteBuffer.wrap(r.value()).getLong() == sent) {
              received = System.nanoTime();
            }
          }
        }
        nanos.add(received - sent);
      }
      return Latencies.of(nanos);
    } catch (ExecutionException e) {
      throw new IllegalStateException("the round trip's record was not acknowledged", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
