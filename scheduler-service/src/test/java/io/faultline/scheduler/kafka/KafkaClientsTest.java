package io.faultline.scheduler.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.telemetry.kafka.PoisonRecords;
import io.faultline.telemetry.kafka.StreamsPoisonHandlers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Every client the service builds gets Spring Boot's {@code spring.kafka.*} settings (security
 * protocol, SASL, SSL trust store, free-form properties, per-client overrides), with the service's
 * own settings on top.
 */
class KafkaClientsTest {
  private static final String JAAS =
      "org.apache.kafka.common.security.scram.ScramLoginModule required"
          + " username=\"scheduler\" password=\"s3cret\";";

  @TempDir Path dir;

  private ApplicationContextRunner runner() throws Exception {
    Path trustStore = dir.resolve("truststore.p12");
    KeyStore empty = KeyStore.getInstance("PKCS12");
    empty.load(null, null);
    try (OutputStream out = Files.newOutputStream(trustStore)) {
      empty.store(out, "changeit".toCharArray());
    }
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class))
        .withBean(KafkaClients.class)
        .withPropertyValues(
            "spring.kafka.bootstrap-servers=localhost:9096,127.0.0.1:9097",
            "spring.kafka.client-id=from-boot",
            "spring.kafka.security.protocol=SASL_SSL",
            "spring.kafka.properties.sasl.mechanism=SCRAM-SHA-512",
            "spring.kafka.properties.sasl.jaas.config=" + JAAS,
            "spring.kafka.ssl.trust-store-location=" + trustStore.toUri(),
            "spring.kafka.ssl.trust-store-password=changeit",
            "spring.kafka.ssl.trust-store-type=PKCS12",
            "spring.kafka.consumer.properties.fetch.min.bytes=7",
            "spring.kafka.producer.properties.compression.type=zstd",
            "spring.kafka.streams.properties.num.stream.threads=2");
  }

  private static void assertSecured(Map<String, Object> config) {
    assertThat(config.get("bootstrap.servers"))
        .isEqualTo(List.of("localhost:9096", "127.0.0.1:9097"));
    assertThat(config)
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("sasl.jaas.config", JAAS)
        .containsEntry("ssl.truststore.password", "changeit")
        .containsEntry("ssl.truststore.type", "PKCS12");
    assertThat(config.get("ssl.truststore.location").toString()).endsWith("truststore.p12");
  }

  @Test
  void givesEveryConsumerBootsSecurityAndItsOwnSettingsOnTop() throws Exception {
    runner()
        .run(
            context -> {
              KafkaClients clients = context.getBean(KafkaClients.class);
              Map<String, Object> config =
                  clients.consumerConfig(
                      Map.of("client.id", "scheduler-sse", "isolation.level", "read_committed"));
              assertSecured(config);
              assertThat(config)
                  .containsEntry("fetch.min.bytes", "7")
                  .containsEntry("client.id", "scheduler-sse")
                  .containsEntry("isolation.level", "read_committed");
              // A real client accepts it (SCRAM login and trust store load without a broker).
              try (Consumer<String, String> consumer =
                  clients.consumer(
                      Map.of(), Serdes.String().deserializer(), Serdes.String().deserializer())) {
                assertThat(consumer.metrics()).isNotEmpty();
              }
            });
  }

  @Test
  void givesEveryProducerBootsSecurityAndItsOwnSettingsOnTop() throws Exception {
    runner()
        .run(
            context -> {
              KafkaClients clients = context.getBean(KafkaClients.class);
              Map<String, Object> config =
                  clients.producerConfig(Map.of("client.id", "scheduler-api", "acks", "all"));
              assertSecured(config);
              assertThat(config)
                  .containsEntry("compression.type", "zstd")
                  .containsEntry("client.id", "scheduler-api")
                  .containsEntry("acks", "all")
                  .doesNotContainKey("fetch.min.bytes");
              try (Producer<String, String> producer =
                  clients.producer(
                      Map.of(), Serdes.String().serializer(), Serdes.String().serializer())) {
                assertThat(producer.metrics()).isNotEmpty();
              }
            });
  }

  @Test
  void givesTheStreamsApplicationAndEachOfItsClientsBootsSecurity() throws Exception {
    runner()
        .run(
            context -> {
              KafkaClients clients = context.getBean(KafkaClients.class);
              Map<String, Object> service = new HashMap<>();
              service.put(StreamsConfig.APPLICATION_ID_CONFIG, "scheduler-test");
              service.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
              service.putAll(
                  StreamsPoisonHandlers.settings(
                      new PoisonRecords("scheduler-service", new SimpleMeterRegistry())));
              Map<String, Object> config = clients.streamsConfig(service);
              assertSecured(config);
              assertThat(config).containsEntry("num.stream.threads", "2");

              StreamsConfig streams = new StreamsConfig(config);
              assertSecured(streams.getMainConsumerConfigs("scheduler-test", "c", 0));
              assertSecured(streams.getRestoreConsumerConfigs("c"));
              assertSecured(streams.getProducerConfigs("c"));
              assertSecured(streams.getAdminConfigs("c"));

              Topology topology = new Topology();
              topology.addSource("in", "in-topic");
              KafkaStreams app = clients.streams(topology, service);
              app.close();
            });
  }
}
