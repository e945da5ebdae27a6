package io.faultline.benchmarks.admission;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The raw reference beside the policy service: a plain consume→produce pipe, every record copied
 * unchanged (key, value, headers) from one topic to another, in its own JVM. {@code PipeMain
 * <bootstrap> <in> <out> <group> eos <commit ms>}: {@code read_committed}, one transactional
 * producer, a transaction with the consumed offsets committed every {@code commit ms} (Kafka
 * Streams' exactly_once_v2 cadence, as the policy's admission commits every 20 ms). {@code ...
 * plain <commit ms>}: no transaction, idempotent producer, offsets committed asynchronously at the
 * same cadence.
 */
public final class PipeMain {
  private PipeMain() {}

  public static void main(String[] args) {
    String bootstrap = args[0];
    String in = args[1];
    String out = args[2];
    String group = args[3];
    boolean eos = args[4].equals("eos");
    long commitNanos = Duration.ofMillis(Long.parseLong(args[5])).toNanos();
    Map<String, Object> consumerConfig = new HashMap<>();
    consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    consumerConfig.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    consumerConfig.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    Map<String, Object> producerConfig = new HashMap<>();
    producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
    producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    // Kafka Streams' producer default: a batch may wait up to 100 ms to fill (linger) and
    // commits flush it; the plain pipe uses the same.
    producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 100);
    producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    if (eos) {
      producerConfig.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, group + "-tx");
    }
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig);
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig)) {
      consumer.subscribe(List.of(in));
      if (eos) {
        producer.initTransactions();
      }
      Map<TopicPartition, OffsetAndMetadata> pending = new HashMap<>();
      long lastCommit = System.nanoTime();
      boolean open = false;
      System.out.println("PIPE RUNNING " + (eos ? "eos" : "plain"));
      while (true) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(5));
        if (!records.isEmpty() && eos && !open) {
          producer.beginTransaction();
          open = true;
        }
        for (ConsumerRecord<byte[], byte[]> record : records) {
          producer.send(
              new ProducerRecord<>(out, null, record.key(), record.value(), record.headers()));
          pending.put(
              new TopicPartition(record.topic(), record.partition()),
              new OffsetAndMetadata(record.offset() + 1));
        }
        if (!pending.isEmpty() && System.nanoTime() - lastCommit >= commitNanos) {
          if (eos) {
            producer.sendOffsetsToTransaction(pending, consumer.groupMetadata());
            producer.commitTransaction();
            open = false;
          } else {
            producer.flush();
            consumer.commitAsync(Map.copyOf(pending), null);
          }
          pending.clear();
          lastCommit = System.nanoTime();
        }
      }
    }
  }
}
