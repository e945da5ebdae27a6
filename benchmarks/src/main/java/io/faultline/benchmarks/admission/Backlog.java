package io.faultline.benchmarks.admission;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishing for the driver. A backlog goes out in one transaction: every consumer reads {@code
 * read_committed}, so the whole backlog becomes visible at once when it commits, to services that
 * are already running and warm (a restarted JVM would measure its JIT, not its capacity).
 */
final class Backlog {
  private Backlog() {}

  static KafkaProducer<String, byte[]> producer(String bootstrapServers) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true,
            ProducerConfig.LINGER_MS_CONFIG,
            5,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            StringSerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ByteArraySerializer.class));
  }

  /** Sends {@code records} and waits until the broker has acknowledged each; fails if not. */
  static void send(
      Producer<String, byte[]> producer, List<ProducerRecord<String, byte[]>> records) {
    List<Future<RecordMetadata>> sent = records.stream().map(producer::send).toList();
    producer.flush();
    for (Future<RecordMetadata> future : sent) {
      try {
        future.get();
      } catch (ExecutionException e) {
        throw new IllegalStateException("the broker refused a record: " + e.getCause(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** Sends {@code records} one at a time, each acknowledged before the next. */
  static void sendEach(
      Producer<String, byte[]> producer, List<ProducerRecord<String, byte[]>> records) {
    records.forEach(record -> send(producer, List.of(record)));
  }

  /**
   * Sends {@code records} in one transaction and waits until they are written but not committed;
   * {@link Open#commit} makes them visible.
   */
  static Open open(
      String bootstrapServers,
      String transactionalId,
      List<ProducerRecord<String, byte[]>> records) {
    KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                transactionalId,
                // a 100,000-request backlog takes a while to write on a busy machine
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                600_000,
                ProducerConfig.LINGER_MS_CONFIG,
                5,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class));
    producer.initTransactions();
    producer.beginTransaction();
    send(producer, records);
    return new Open(producer);
  }

  /** A written, uncommitted backlog. */
  record Open(KafkaProducer<String, byte[]> producer) {
    /** Commits the transaction: the backlog becomes visible to {@code read_committed} readers. */
    void commit() {
      producer.commitTransaction();
      producer.close();
    }
  }

  /** The same records on another topic (the pipe's input). */
  static List<ProducerRecord<String, byte[]>> onTopic(
      String topic, List<ProducerRecord<String, byte[]>> records) {
    return records.stream()
        .map(r -> new ProducerRecord<>(topic, null, r.key(), r.value(), r.headers()))
        .toList();
  }
}
