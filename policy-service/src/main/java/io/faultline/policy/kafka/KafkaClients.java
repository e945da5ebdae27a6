package io.faultline.policy.kafka;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

/**
 * The one place the policy service builds Kafka clients. Each kind of client starts from a base
 * configuration: in the service, Spring Boot's {@link KafkaProperties} ({@code
 * spring.kafka.bootstrap-servers}, {@code security.protocol}, {@code ssl.*}, SASL through {@code
 * spring.kafka.properties.*}, and the per-client {@code spring.kafka.streams.*}, {@code
 * spring.kafka.admin.*}, {@code spring.kafka.producer.*} overrides); in tests and tools, a
 * plaintext bootstrap address. The service's own settings (exactly-once, commit intervals,
 * application ids, …) are laid over the base and win: security comes from the deployment, admission
 * semantics from the code.
 */
public final class KafkaClients {
  private final Map<String, Object> streams;
  private final Map<String, Object> admin;
  private final Map<String, Object> producer;

  public KafkaClients(
      Map<String, ?> streamsBase, Map<String, ?> adminBase, Map<String, ?> producerBase) {
    this.streams = Collections.unmodifiableMap(new HashMap<>(streamsBase));
    this.admin = Collections.unmodifiableMap(new HashMap<>(adminBase));
    this.producer = Collections.unmodifiableMap(new HashMap<>(producerBase));
  }

  /** Clients configured as Spring Boot configures its own ({@code spring.kafka.*}). */
  public static KafkaClients of(KafkaProperties properties) {
    return new KafkaClients(
        properties.buildStreamsProperties(),
        properties.buildAdminProperties(),
        properties.buildProducerProperties());
  }

  /** Clients of an unsecured cluster at {@code bootstrapServers}: tests and tools. */
  public static KafkaClients plaintext(String bootstrapServers) {
    Map<String, Object> base =
        Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return new KafkaClients(base, base, base);
  }

  /** The Streams configuration: the base, then {@code settings} over it. */
  public Properties streamsConfig(Properties settings) {
    Properties config = new Properties();
    config.putAll(streams);
    config.putAll(settings);
    return config;
  }

  public KafkaStreams streams(Topology topology, Properties settings) {
    return new KafkaStreams(topology, streamsConfig(settings));
  }

  /** The admin configuration: the base, then {@code settings} over it. */
  public Map<String, Object> adminConfig(Map<String, ?> settings) {
    return layered(admin, settings);
  }

  public Admin admin() {
    return Admin.create(adminConfig(Map.of()));
  }

  /** The producer configuration: the base, then {@code settings} over it. */
  public Map<String, Object> producerConfig(Map<String, ?> settings) {
    return layered(producer, settings);
  }

  public <K, V> KafkaProducer<K, V> producer(
      Map<String, ?> settings, Serializer<K> keySerializer, Serializer<V> valueSerializer) {
    return new KafkaProducer<>(producerConfig(settings), keySerializer, valueSerializer);
  }

  private static Map<String, Object> layered(Map<String, Object> base, Map<String, ?> settings) {
    Map<String, Object> config = new HashMap<>(base);
    config.putAll(settings);
    return config;
  }
}
