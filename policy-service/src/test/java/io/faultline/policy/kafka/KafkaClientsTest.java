package io.faultline.policy.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.policy.admission.StreamsSettings;
import java.io.File;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

/**
 * The deployment's {@code spring.kafka.*} settings reach every client the service builds, bound the
 * way Spring Boot binds them; the service's own Streams settings stay on top.
 */
class KafkaClientsTest {
  static final String JAAS =
      "org.apache.kafka.common.security.scram.ScramLoginModule required"
          + " username=\"policy\" password=\"secret\";";

  static final Map<String, String> SECURED =
      Map.of(
          "spring.kafka.bootstrap-servers", "b-1.msk:9096,b-2.msk:9096",
          "spring.kafka.security.protocol", "SASL_SSL",
          "spring.kafka.properties.sasl.mechanism", "SCRAM-SHA-512",
          "spring.kafka.properties.sasl.jaas.config", JAAS,
          "spring.kafka.ssl.trust-store-location", "file:/etc/faultline/truststore.p12",
          "spring.kafka.ssl.trust-store-password", "changeit",
          "spring.kafka.ssl.trust-store-type", "PKCS12",
          // A deployment cannot weaken admission: the service's exactly_once_v2 wins.
          "spring.kafka.streams.properties.processing.guarantee", "at_least_once",
          "spring.kafka.producer.properties.client.dns.lookup", "use_all_dns_ips",
          "spring.kafka.admin.properties.request.timeout.ms", "45000");

  static KafkaClients clients(Map<String, String> properties) {
    KafkaProperties kafka =
        new Binder(new MapConfigurationPropertySource(properties))
            .bind("spring.kafka", KafkaProperties.class)
            .orElseGet(KafkaProperties::new);
    return KafkaClients.of(kafka);
  }

  @Test
  void securityProtocolSaslAndTruststoreReachStreamsAdminAndProducer() {
    KafkaClients clients = clients(SECURED);
    Properties intake =
        clients.streamsConfig(StreamsSettings.intake("faultline-policy", 2, "/tmp/state", 3));
    Properties admission =
        clients.streamsConfig(StreamsSettings.admission("faultline-policy", "/tmp/state", 3));
    Map<String, Object> admin = clients.adminConfig(Map.of());
    Map<String, Object> producer =
        clients.producerConfig(Map.of(ProducerConfig.ACKS_CONFIG, "all"));
    String truststore = new File("/etc/faultline/truststore.p12").getAbsolutePath();
    for (Map<String, Object> config : List.of(asMap(intake), asMap(admission), admin, producer)) {
      assertThat(config)
          .containsEntry(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL")
          .containsEntry(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512")
          .containsEntry(SaslConfigs.SASL_JAAS_CONFIG, JAAS)
          .containsEntry(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, truststore)
          .containsEntry(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, "changeit")
          .containsEntry(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
      assertThat(String.valueOf(config.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)))
          .contains("b-1.msk:9096")
          .contains("b-2.msk:9096");
    }
    // Per-client overrides stay with their client.
    assertThat(producer).containsEntry("client.dns.lookup", "use_all_dns_ips");
    assertThat(admin)
        .containsEntry("request.timeout.ms", "45000")
        .doesNotContainKey("client.dns.lookup");
    assertThat(intake).doesNotContainKey("request.timeout.ms");
    // The service's settings are laid over the deployment's.
    assertThat(admission)
        .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
        .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "faultline-policy")
        .containsEntry(StreamsConfig.REPLICATION_FACTOR_CONFIG, 3);
    assertThat(intake)
        .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
        .containsEntry(
            StreamsConfig.APPLICATION_ID_CONFIG,
            StreamsSettings.intakeApplicationId("faultline-policy"));
    assertThat(producer).containsEntry(ProducerConfig.ACKS_CONFIG, "all");
  }

  private static Map<String, Object> asMap(Properties properties) {
    Map<String, Object> map = new java.util.HashMap<>();
    properties.forEach((key, value) -> map.put(String.valueOf(key), value));
    return map;
  }

  @Test
  void aPlaintextClusterNeedsOnlyItsBootstrapServers() {
    KafkaClients clients = KafkaClients.plaintext("localhost:9092");
    assertThat(clients.adminConfig(Map.of()))
        .containsExactly(Map.entry(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092"));
    assertThat(clients.streamsConfig(StreamsSettings.admission("a", "/tmp/s", 1)))
        .containsEntry(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092")
        .doesNotContainKey(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG);
  }
}
