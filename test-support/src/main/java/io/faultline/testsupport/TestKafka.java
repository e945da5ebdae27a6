package io.faultline.testsupport;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * A real Kafka broker for integration tests, one per JVM: the broker at {@code KAFKA_BOOTSTRAP}
 * when set, Testcontainers' Kafka when a Docker engine is available, otherwise an in-JVM KRaft
 * broker. Never a mock.
 */
public final class TestKafka {
  private static final Logger log = LoggerFactory.getLogger(TestKafka.class);
  private static final String KAFKA_IMAGE = "apache/kafka:4.1.1";

  private static String bootstrapServers;
  private static String kind;
  private static EmbeddedKafkaKraftBroker embedded;

  private TestKafka() {}

  /** Starts the broker on first use and returns its bootstrap servers. */
  public static synchronized String bootstrapServers() {
    if (bootstrapServers == null) {
      start();
    }
    return bootstrapServers;
  }

  /** Which broker is in use: external, testcontainers or embedded-kraft. */
  public static synchronized String kind() {
    bootstrapServers();
    return kind;
  }

  /** Creates topics that do not exist yet; existing ones are left as they are. */
  public static void createTopics(Collection<NewTopic> topics) {
    try (Admin admin = admin()) {
      for (NewTopic topic : topics) {
        try {
          admin.createTopics(List.of(topic)).all().get();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("cannot create topic " + topic.name(), e.getCause());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
  }

  private static void start() {
    String external = System.getenv("KAFKA_BOOTSTRAP");
    if (external != null && !external.isBlank()) {
      bootstrapServers = external;
      kind = "external";
    } else if (DockerClientFactory.instance().isDockerAvailable()) {
      KafkaContainer container = new KafkaContainer(KAFKA_IMAGE);
      container.start();
      Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
      bootstrapServers = container.getBootstrapServers();
      kind = "testcontainers";
    } else {
      EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
      Properties brokerProperties = new Properties();
      // Without these, transactions (Kafka Streams exactly_once_v2) hang on a one-broker cluster.
      brokerProperties.put("transaction.state.log.replication.factor", "1");
      brokerProperties.put("transaction.state.log.min.isr", "1");
      brokerProperties.put("offsets.topic.replication.factor", "1");
      brokerProperties.put("group.initial.rebalance.delay.ms", "0");
      brokerProperties.put("auto.create.topics.enable", "true");
      broker.brokerProperties(toMap(brokerProperties));
      broker.afterPropertiesSet();
      Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy));
      embedded = broker;
      bootstrapServers = broker.getBrokersAsString();
      kind = "embedded-kraft";
    }
    log.info("Kafka for tests: {} at {}", kind, bootstrapServers);
  }

  /**
   * Stops the broker (its controller keeps running): clients see it gone until {@link
   * #startBroker()}. Only the embedded broker can be stopped; any other fails the test.
   */
  public static synchronized void stopBroker() {
    BrokerServer broker = embeddedBroker();
    broker.shutdown();
    broker.awaitShutdown();
    log.info("Kafka for tests stopped (port {} closed)", bootstrapServers);
  }

  /**
   * Starts the stopped broker again on the same port, with its logs, topics, committed offsets and
   * transaction state, and waits until it serves clients.
   */
  public static synchronized void startBroker() {
    embeddedBroker().startup();
    try {
      embedded.getCluster().waitForReadyBrokers();
    } catch (Exception e) {
      throw new IllegalStateException("the restarted broker did not become ready", e);
    }
    log.info("Kafka for tests started again at {}", bootstrapServers);
  }

  /** Whether the broker answers on its port. */
  public static synchronized boolean brokerListening() {
    String port = bootstrapServers().substring(bootstrapServers.lastIndexOf(':') + 1);
    return LoopbackPorts.listening(Integer.parseInt(port));
  }

  private static BrokerServer embeddedBroker() {
    bootstrapServers();
    if (embedded == null) {
      // The ports of an external or containerised broker are not ours to close and reopen.
      throw new IllegalStateException(
          "only the embedded KRaft broker can be stopped and restarted; this run uses " + kind);
    }
    return embedded.getCluster().brokers().values().iterator().next();
  }

  private static Map<String, String> toMap(Properties properties) {
    return properties.stringPropertyNames().stream()
        .collect(java.util.stream.Collectors.toMap(k -> k, properties::getProperty));
  }
}
