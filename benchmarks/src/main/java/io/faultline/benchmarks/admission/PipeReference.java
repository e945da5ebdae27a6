package io.faultline.benchmarks.admission;

import io.faultline.benchmarks.jvm.ChildBroker;
import io.faultline.benchmarks.jvm.ChildJvm;
import io.faultline.benchmarks.jvm.Poll;
import io.faultline.benchmarks.jvm.ProcessCpu;
import io.faultline.local.ChildProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Measures the {@link PipeMain} pipe like the policy service: warmed up with the warm-up records,
 * then the same backlog made visible at once by one transaction, timed to the last record a {@code
 * read_committed} reader sees on its output.
 */
final class PipeReference {
  private PipeReference() {}

  /** One pipe's figure. */
  record Result(
      String mode,
      long records,
      long duplicates,
      double seconds,
      double cpuSeconds,
      double brokerCpuSeconds) {
    double perSecond() {
      return records / seconds;
    }
  }

  static Result measure(
      ChildBroker broker,
      String mode,
      long commitMillis,
      List<ProducerRecord<String, byte[]>> warmup,
      List<ProducerRecord<String, byte[]>> backlog,
      Path workDir) {
    String in = ChildBroker.pipeIn(mode);
    try (KafkaProducer<String, byte[]> producer = Backlog.producer(broker.bootstrapServers())) {
      Backlog.send(producer, Backlog.onTopic(in, warmup));
    }
    try (ChildProcess pipe =
            ChildJvm.start(
                "pipe-" + mode,
                PipeMain.class,
                List.of("-Xmx512m", "-XX:+ExitOnOutOfMemoryError"),
                List.of(
                    broker.bootstrapServers(),
                    in,
                    ChildBroker.pipeOut(mode),
                    "bench-pipe-" + mode,
                    mode,
                    Long.toString(commitMillis)),
                workDir);
        KafkaConsumer<String, byte[]> reader = reader(broker, ChildBroker.pipeOut(mode))) {
      Set<String> seen = new HashSet<>();
      long[] duplicates = {0};
      long[] last = {0};
      Runnable poll =
          () -> {
            for (ConsumerRecord<String, byte[]> record : reader.poll(Duration.ofMillis(20))) {
              if (!seen.add(id(record))) {
                duplicates[0]++;
              }
              last[0] = System.nanoTime();
            }
            pipe.failIfExited();
          };
      Poll.until(
          () -> {
            poll.run();
            return seen.size() >= warmup.size();
          },
          Duration.ofMinutes(5),
          () ->
              "pipe "
                  + mode
                  + " copied "
                  + seen.size()
                  + " of "
                  + warmup.size()
                  + " warm-up records");
      Backlog.Open open =
          Backlog.open(
              broker.bootstrapServers(),
              "bench-pipe-backlog-" + mode,
              Backlog.onTopic(in, backlog));
      double cpuBefore = ProcessCpu.seconds(pipe.pid());
      double brokerBefore = broker.cpuSeconds();
      long start = System.nanoTime();
      open.commit();
      long expected = warmup.size() + (long) backlog.size();
      Poll.until(
          () -> {
            poll.run();
            return seen.size() >= expected;
          },
          Duration.ofMinutes(10),
          () -> "pipe " + mode + " copied " + seen.size() + " of " + expected + " records");
      double cpu = ProcessCpu.seconds(pipe.pid()) - cpuBefore;
      double brokerCpu = broker.cpuSeconds() - brokerBefore;
      return new Result(
          mode, backlog.size(), duplicates[0], (last[0] - start) / 1e9, cpu, brokerCpu);
    }
  }

  private static String id(ConsumerRecord<String, byte[]> record) {
    Header id = record.headers().lastHeader("ce_id");
    return id == null ? "" : new String(id.value(), StandardCharsets.UTF_8);
  }

  private static KafkaConsumer<String, byte[]> reader(ChildBroker broker, String topic) {
    KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "bench-pipe-reader-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class));
    consumer.subscribe(List.of(topic));
    return consumer;
  }
}
