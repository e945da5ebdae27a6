package io.faultline.benchmarks.inflight;

import io.faultline.benchmarks.jvm.ChildBroker;
import io.faultline.events.topics.Topics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The raw reference: what the broker spends per record when a plain producer (idempotent, {@code
 * acks=all}, no transaction) writes {@code records} records of the lifecycle records' mean size,
 * keyed by tenant, to a topic partitioned like the lifecycle topic, on the same broker.
 */
final class BrokerReference {
  static final String TOPIC = "bench.p3.reference";

  /** What the reference measured. */
  record Result(int records, int recordBytes, double seconds, double brokerCpuSeconds) {
    double brokerCpuMillisPerRecord() {
      return brokerCpuSeconds * 1000 / records;
    }

    double perSecond() {
      return records / seconds;
    }
  }

  private BrokerReference() {}

  static Result measure(ChildBroker broker, int records, int recordBytes, int tenants) {
    try (Admin admin = broker.admin()) {
      admin
          .createTopics(
              List.of(new NewTopic(TOPIC, Topics.FAULT_LIFECYCLE.partitions(), (short) 1)))
          .all()
          .get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot create " + TOPIC, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    byte[] value = new byte[recordBytes];
    java.util.Arrays.fill(value, (byte) 'x');
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.LINGER_MS_CONFIG,
                5),
            new StringSerializer(),
            new ByteArraySerializer())) {
      // Connections, metadata and every partition's leader before the clock starts.
      for (int p = 0; p < Topics.FAULT_LIFECYCLE.partitions(); p++) {
        send(producer, new ProducerRecord<>(TOPIC, p, "p3-tenant-0", value));
      }
      double cpuBefore = broker.cpuSeconds();
      long start = System.nanoTime();
      for (int i = 0; i < records; i++) {
        producer.send(new ProducerRecord<>(TOPIC, "p3-tenant-" + (i % tenants), value));
      }
      producer.flush();
      double seconds = (System.nanoTime() - start) / 1e9;
      return new Result(records, recordBytes, seconds, broker.cpuSeconds() - cpuBefore);
    }
  }

  private static void send(
      KafkaProducer<String, byte[]> producer, ProducerRecord<String, byte[]> record) {
    try {
      producer.send(record).get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot write to " + TOPIC, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
