package io.faultline.events.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.faultline.events.cloudevents.ContentMode;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.topics.Topics;
import io.faultline.events.validation.ContractViolationException;
import io.faultline.testsupport.TestKafka;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A non-Java client (kcat) publishes requests with the exact scripts shown in docs/events.md; the
 * Java deserializer reads them from a real broker.
 */
class KcatInteropIT {
  private static final Path EXAMPLES = Path.of("..", "docs", "examples");

  @BeforeAll
  static void topics() {
    TestKafka.createTopics(List.of(Topics.FAULT_REQUESTS.newTopic((short) 1)));
  }

  @ParameterizedTest
  @CsvSource({"kcat-publish-binary.sh,BINARY", "kcat-publish-structured.sh,STRUCTURED"})
  void decodesARequestPublishedByKcat(String script, ContentMode mode) throws Exception {
    String faultId = "f-kcat-" + UUID.randomUUID();
    publish(script, faultId, "1234,5678");

    ConsumerRecord<String, byte[]> record = consumeFault(faultId);
    FaultlineEvent<FaultRequested> event =
        EventCodec.standard()
            .decode(Topics.FAULT_REQUESTS, record.key(), record.headers(), record.value());

    assertThat(event.mode()).isEqualTo(mode);
    assertThat(event.data().faultId().value()).isEqualTo(faultId);
    assertThat(event.data().parameters().required("PROCESS_IDS")).isEqualTo("1234,5678");
    assertThat(event.source().toString()).isEqualTo("/pipelines/deploy-bot");
  }

  @Test
  void reportsAClearViolationForAHostileRequestFromKcat() throws Exception {
    String faultId = "f-kcat-" + UUID.randomUUID();
    publish("kcat-publish-binary.sh", faultId, "1234;reboot");

    ConsumerRecord<String, byte[]> record = consumeFault(faultId);
    try {
      EventCodec.standard()
          .decode(Topics.FAULT_REQUESTS, record.key(), record.headers(), record.value());
      throw new AssertionError("a hostile request was accepted");
    } catch (ContractViolationException e) {
      assertThat(e.has("$.parameters.PROCESS_IDS", "pattern")).isTrue();
      assertThat(e.getMessage()).contains("PROCESS_IDS", "1234;reboot");
    }
  }

  private static void publish(String script, String faultId, String processIds)
      throws IOException, InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder("bash", EXAMPLES.resolve(script).toString()).redirectErrorStream(true);
    builder
        .environment()
        .putAll(
            Map.of(
                "BOOTSTRAP",
                TestKafka.bootstrapServers(),
                "FAULT_ID",
                faultId,
                "PROCESS_IDS",
                processIds));
    Process kcat = builder.start();
    assertThat(kcat.waitFor(60, TimeUnit.SECONDS)).as("kcat finished").isTrue();
    String output = new String(kcat.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(kcat.exitValue()).as("kcat exit status; output: %s", output).isZero();
  }

  private static ConsumerRecord<String, byte[]> consumeFault(String faultId) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            TestKafka.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG,
            "kcat-interop-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest");
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(Topics.FAULT_REQUESTS.name()));
      ConsumerRecord<String, byte[]>[] found = new ConsumerRecord[1];
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                for (ConsumerRecord<String, byte[]> record :
                    consumer.poll(Duration.ofMillis(200))) {
                  if (new String(record.value(), StandardCharsets.UTF_8).contains(faultId)) {
                    found[0] = record;
                  }
                }
                return found[0] != null;
              });
      return found[0];
    }
  }
}
