package io.faultline.scheduler.kafka;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.kafka.autoconfigure.SslBundleSslEngineFactory;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.stereotype.Component;

/**
 * The one place the service builds Kafka clients. Each client's configuration is Spring Boot's for
 * its kind ({@code spring.kafka.bootstrap-servers}, {@code security.protocol}, {@code ssl.*},
 * {@code spring.kafka.properties.*} and the per-client {@code
 * spring.kafka.consumer|producer|streams.*}), plus the connection details Boot derives from them
 * (bootstrap servers, security protocol, an SSL bundle), as Boot's own factories apply them; the
 * caller's service-specific settings are layered on top and win.
 */
@Component
public class KafkaClients {
  private final KafkaProperties properties;
  private final KafkaConnectionDetails connection;

  public KafkaClients(KafkaProperties properties, KafkaConnectionDetails connection) {
    this.properties = properties;
    this.connection = connection;
  }

  /** A consumer's configuration: Boot's consumer properties, then {@code service}. */
  public Map<String, Object> consumerConfig(Map<String, ?> service) {
    return layered(properties.buildConsumerProperties(), connection.getConsumer(), service);
  }

  /** A producer's configuration: Boot's producer properties, then {@code service}. */
  public Map<String, Object> producerConfig(Map<String, ?> service) {
    return layered(properties.buildProducerProperties(), connection.getProducer(), service);
  }

  /** A Streams application's configuration: Boot's streams properties, then {@code service}. */
  public Map<String, Object> streamsConfig(Map<String, ?> service) {
    return layered(properties.buildStreamsProperties(), connection.getStreams(), service);
  }

  public <K, V> Consumer<K, V> consumer(
      Map<String, ?> service, Deserializer<K> keys, Deserializer<V> values) {
    return new KafkaConsumer<>(consumerConfig(service), keys, values);
  }

  public <K, V> Producer<K, V> producer(
      Map<String, ?> service, Serializer<K> keys, Serializer<V> values) {
    return new KafkaProducer<>(producerConfig(service), keys, values);
  }

  /** An admin client configured by {@code spring.kafka.admin.*} and the common settings. */
  public Admin admin() {
    return Admin.create(
        layered(properties.buildAdminProperties(), connection.getAdmin(), Map.of()));
  }

  /** A Streams application, not started, configured by {@link #streamsConfig(Map)}. */
  public KafkaStreams streams(Topology topology, Map<String, ?> service) {
    Properties config = new Properties();
    config.putAll(streamsConfig(service));
    return new KafkaStreams(topology, config);
  }

  private static Map<String, Object> layered(
      Map<String, Object> boot,
      KafkaConnectionDetails.Configuration details,
      Map<String, ?> service) {
    Map<String, Object> config = new HashMap<>(boot);
    List<String> servers = details.getBootstrapServers();
    if (servers != null && !servers.isEmpty()) {
      config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, servers);
    }
    if (details.getSecurityProtocol() != null) {
      config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, details.getSecurityProtocol());
    }
    SslBundle bundle = details.getSslBundle();
    if (bundle != null) {
      // As Boot's KafkaAutoConfiguration applies spring.kafka.ssl.bundle to its own factories.
      config.put(SslConfigs.SSL_ENGINE_FACTORY_CLASS_CONFIG, SslBundleSslEngineFactory.class);
      config.put(SslBundle.class.getName(), bundle);
    }
    config.putAll(service);
    return config;
  }
}
