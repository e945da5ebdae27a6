package io.faultline.events.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.faultline.events.Fixtures;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.topics.Topic;
import io.faultline.events.topics.Topics;
import io.faultline.testsupport.SecuredKafka;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A publisher on a secured cluster (SASL_SSL, SCRAM-SHA-512, the standard authorizer) with exactly
 * the publisher role of {@link KafkaAccess}: it can publish requests and nothing else.
 */
class PublisherAccessIT {
  private static final String PUBLISHER = "ci-pipeline";
  // Made per run: no credential, even a test one, lives in the source.
  private static final String PASSWORD = java.util.UUID.randomUUID().toString();
  private static SecuredKafka kafka;

  @BeforeAll
  static void start() {
    kafka = SecuredKafka.start();
    kafka.createTopics(Topics.all().stream().map(t -> t.newTopic((short) 1)).toList());
    kafka.addUser(PUBLISHER, PASSWORD);
    KafkaRole role = KafkaAccess.role(KafkaAccess.PUBLISHER, KafkaAccess.Names.defaults());
    kafka.allow(role.grants().stream().map(g -> g.toBinding("User:" + PUBLISHER)).toList());
  }

  @AfterAll
  static void stop() {
    kafka.close();
  }

  private static KafkaProducer<String, byte[]> producer(Map<String, Object> settings) {
    Map<String, Object> config = new HashMap<>(settings);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
  }

  private static ProducerRecord<String, byte[]> aRequest() {
    return EventCodec.standard()
        .encode(
            Topics.FAULT_REQUESTS,
            FaultlineEvent.of(URI.create("/pipelines/ci"), Fixtures.aProcessKillRequest()));
  }

  @Test
  void publishesARequest() throws Exception {
    try (KafkaProducer<String, byte[]> producer =
        producer(kafka.clientSettings(PUBLISHER, PASSWORD))) {
      assertThat(producer.send(aRequest()).get(30, TimeUnit.SECONDS).topic())
          .isEqualTo(Topics.FAULT_REQUESTS.name());
    }
  }

  static List<Topic<?>> platformTopics() {
    return Topics.all().stream().filter(t -> t != Topics.FAULT_REQUESTS).toList();
  }

  @ParameterizedTest
  @MethodSource("platformTopics")
  void cannotWriteAnyOtherTopic(Topic<?> topic) {
    ProducerRecord<String, byte[]> request = aRequest();
    try (KafkaProducer<String, byte[]> producer =
        producer(kafka.clientSettings(PUBLISHER, PASSWORD))) {
      assertThatThrownBy(
              () ->
                  producer
                      .send(new ProducerRecord<>(topic.name(), request.key(), request.value()))
                      .get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(TopicAuthorizationException.class);
    }
  }

  @Test
  void cannotReadTheLifecycleTopic() {
    Map<String, Object> config = new HashMap<>(kafka.clientSettings(PUBLISHER, PASSWORD));
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(List.of(new TopicPartition(Topics.FAULT_LIFECYCLE.name(), 0)));
      assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(15)))
          .isInstanceOf(TopicAuthorizationException.class);
    }
  }

  @Test
  void refusesAWrongPassword() {
    try (KafkaProducer<String, byte[]> producer =
        producer(kafka.clientSettings(PUBLISHER, "not-the-password"))) {
      assertThatThrownBy(() -> producer.send(aRequest()).get(30, TimeUnit.SECONDS))
          .hasRootCauseInstanceOf(SaslAuthenticationException.class);
    }
  }

  @Test
  void refusesAClientThatDoesNotAuthenticate() {
    Map<String, Object> plaintext = new HashMap<>();
    plaintext.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    plaintext.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(plaintext, new StringSerializer(), new ByteArraySerializer())) {
      // The SASL_SSL listener drops a client that neither speaks TLS nor authenticates: it never
      // learns the topic's metadata, so nothing it sends is written.
      assertThatThrownBy(() -> producer.send(aRequest()).get(30, TimeUnit.SECONDS))
          .hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
    }
  }
}
