package io.faultline.executor.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The one place the executor builds Kafka clients. Each client starts from the deployment's
 * settings (in the service: Spring Boot's {@code spring.kafka.*}, so {@code security.protocol},
 * {@code ssl.*}, {@code sasl.*} and {@code properties.*} reach every client) and adds only what its
 * job needs (isolation level, transactional id, group). What a job sets wins over the base.
 */
public final class KafkaClients {
  private static final String DEFAULT_CLIENT_ID = "faultline-executor";

  private final Map<String, Object> consumerBase;
  private final Map<String, Object> producerBase;

  /**
   * @param consumerBase settings every consumer gets (bootstrap servers and security at least)
   * @param producerBase settings every producer gets
   */
  public KafkaClients(Map<String, Object> consumerBase, Map<String, Object> producerBase) {
    Objects.requireNonNull(consumerBase.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
    Objects.requireNonNull(producerBase.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
    this.consumerBase = withoutSerdes(consumerBase);
    this.producerBase = withoutSerdes(producerBase);
  }

  /** Plain clients of an open broker (tests, the benchmark). */
  public static KafkaClients of(String bootstrapServers) {
    Map<String, Object> base =
        Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return new KafkaClients(base, base);
  }

  /**
   * A consumer for {@code purpose} (its client id suffix). Without {@code group.id} in {@code
   * settings} it has none, whatever the base says: such consumers assign partitions themselves.
   */
  public <K, V> KafkaConsumer<K, V> consumer(
      String purpose, Map<String, Object> settings, Deserializer<K> keys, Deserializer<V> values) {
    return new KafkaConsumer<>(consumerConfig(purpose, settings), keys, values);
  }

  /** A producer for {@code purpose} (its client id suffix). */
  public <K, V> KafkaProducer<K, V> producer(
      String purpose, Map<String, Object> settings, Serializer<K> keys, Serializer<V> values) {
    return new KafkaProducer<>(producerConfig(purpose, settings), keys, values);
  }

  /**
   * A producer for {@code purpose} that never joins a transaction, even when the deployment's
   * settings name a transactional id: idempotent ({@code acks=all}), so a retried send is appended
   * once and in order. For records that stand alone (heartbeats), never for the ledger.
   */
  public <K, V> KafkaProducer<K, V> idempotentProducer(
      String purpose, Map<String, Object> settings, Serializer<K> keys, Serializer<V> values) {
    return new KafkaProducer<>(idempotentProducerConfig(purpose, settings), keys, values);
  }

  Map<String, Object> idempotentProducerConfig(String purpose, Map<String, Object> settings) {
    Map<String, Object> config = producerConfig(purpose, settings);
    config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    return config;
  }

  Map<String, Object> consumerConfig(String purpose, Map<String, Object> settings) {
    Map<String, Object> config = new HashMap<>(consumerBase);
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    config.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId(consumerBase, purpose));
    config.putAll(settings);
    return config;
  }

  Map<String, Object> producerConfig(String purpose, Map<String, Object> settings) {
    Map<String, Object> config = new HashMap<>(producerBase);
    config.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId(producerBase, purpose));
    config.putAll(settings);
    return config;
  }

  public String bootstrapServers() {
    return String.valueOf(consumerBase.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
  }

  private static String clientId(Map<String, Object> base, String purpose) {
    Object configured = base.get(CommonClientConfigs.CLIENT_ID_CONFIG);
    return (configured == null ? DEFAULT_CLIENT_ID : configured.toString()) + "-" + purpose;
  }

  // Every client here reads and writes String keys and byte[] values it decodes itself.
  private static Map<String, Object> withoutSerdes(Map<String, Object> base) {
    Map<String, Object> copy = new HashMap<>(base);
    copy.remove(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
    copy.remove(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
    copy.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
    copy.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
    copy.values().removeIf(Objects::isNull);
    return copy;
  }
}
