package io.faultline.executor.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

class KafkaClientsTest {

  private static KafkaClients fromSpringSettings() {
    KafkaProperties properties = new KafkaProperties();
    properties.setBootstrapServers(List.of("broker-1:9096", "broker-2:9096"));
    properties.getSecurity().setProtocol("SASL_SSL");
    properties.getSsl().setTrustStoreType("PKCS12");
    properties.getProperties().put("sasl.mechanism", "SCRAM-SHA-512");
    properties
        .getProperties()
        .put(
            "sasl.jaas.config",
            "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"executor\" password=\"secret\";");
    properties.getConsumer().setGroupId("someone-elses-group");
    properties.getProducer().setCompressionType("zstd");
    return new KafkaClients(
        properties.buildConsumerProperties(), properties.buildProducerProperties());
  }

  @Test
  void everyClientGetsTheDeploymentsSecuritySettings() {
    KafkaClients clients = fromSpringSettings();

    for (Map<String, Object> config :
        List.of(
            clients.consumerConfig("controls", Map.of()),
            clients.producerConfig("ledger", Map.of()))) {
      assertThat(config)
          .containsEntry("bootstrap.servers", List.of("broker-1:9096", "broker-2:9096"))
          .containsEntry("security.protocol", "SASL_SSL")
          .containsEntry("ssl.truststore.type", "PKCS12")
          .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
          .containsKey("sasl.jaas.config");
    }
    assertThat(clients.producerConfig("ledger", Map.of()))
        .containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
  }

  @Test
  void aJobsOwnSettingsWinAndAssigningConsumersHaveNoGroup() {
    KafkaClients clients = fromSpringSettings();

    Map<String, Object> controls =
        clients.consumerConfig(
            "controls", Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
    Map<String, Object> approvals =
        clients.consumerConfig(
            "approvals", Map.of(ConsumerConfig.GROUP_ID_CONFIG, "faultline-executor"));

    assertThat(controls)
        .doesNotContainKey(ConsumerConfig.GROUP_ID_CONFIG)
        .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
        .containsEntry(ConsumerConfig.CLIENT_ID_CONFIG, "faultline-executor-controls")
        .doesNotContainKey(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
    assertThat(approvals).containsEntry(ConsumerConfig.GROUP_ID_CONFIG, "faultline-executor");
  }

  @Test
  void anIdempotentProducerNeverJoinsATransaction() {
    KafkaClients clients =
        new KafkaClients(
            Map.of("bootstrap.servers", "broker-1:9096"),
            Map.of(
                "bootstrap.servers",
                "broker-1:9096",
                "security.protocol",
                "SASL_SSL",
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                "from-the-deployment",
                ProducerConfig.ACKS_CONFIG,
                "1"));

    assertThat(clients.idempotentProducerConfig("heartbeats", Map.of()))
        .doesNotContainKey(ProducerConfig.TRANSACTIONAL_ID_CONFIG)
        .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
        .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry(ProducerConfig.CLIENT_ID_CONFIG, "faultline-executor-heartbeats");
  }

  @Test
  void buildsClientsForMskIamFromConfigurationAlone() {
    // The MSK IAM login module and callback handler are on the service's classpath: a client with
    // these settings is created (its login runs at construction; credentials are fetched only
    // when it authenticates to a broker).
    KafkaProperties properties = new KafkaProperties();
    properties.setBootstrapServers(List.of("localhost:9098"));
    properties.getSecurity().setProtocol("SASL_SSL");
    properties.getProperties().put("sasl.mechanism", "AWS_MSK_IAM");
    properties
        .getProperties()
        .put("sasl.jaas.config", "software.amazon.msk.auth.iam.IAMLoginModule required;");
    properties
        .getProperties()
        .put(
            "sasl.client.callback.handler.class",
            "software.amazon.msk.auth.iam.IAMClientCallbackHandler");
    KafkaClients clients =
        new KafkaClients(
            properties.buildConsumerProperties(), properties.buildProducerProperties());

    try (var consumer =
        clients.consumer(
            "controls",
            Map.of(),
            new org.apache.kafka.common.serialization.StringDeserializer(),
            new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
      assertThat(consumer.metrics()).isNotEmpty();
    }
  }
}
