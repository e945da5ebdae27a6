package io.faultline.local;

import java.io.PrintStream;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A one-node KRaft broker in this JVM (spring-kafka-test's, configured like test-support's {@code
 * TestKafka}) on a chosen port, with data in temporary directories removed when it stops.
 */
public final class LocalKafka implements AutoCloseable {
  private final EmbeddedKafkaKraftBroker broker;
  private final String bootstrapServers;

  private LocalKafka(EmbeddedKafkaKraftBroker broker, String bootstrapServers) {
    this.broker = broker;
    this.bootstrapServers = bootstrapServers;
  }

  /**
   * A one-node KRaft broker's settings with its client listener on {@code localhost:port}:
   * kafkaPorts() is ignored in KRaft mode, and the test kit binds its own EXTERNAL listener to a
   * random port; a third listener, LOCAL, is bound to the chosen port and advertised as
   * localhost:<port> to the clients that connect through it. Without the replication settings,
   * transactions (Kafka Streams exactly_once_v2) hang on a one-broker cluster. Topics are created
   * on first use (local use); the benchmarks turn that off.
   */
  public static Map<String, String> brokerProperties(int port) {
    return Map.of(
        "listeners",
        "EXTERNAL://localhost:0,LOCAL://localhost:" + port + ",CONTROLLER://localhost:0",
        "listener.security.protocol.map",
        "EXTERNAL:PLAINTEXT,LOCAL:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "transaction.state.log.replication.factor",
        "1",
        "transaction.state.log.min.isr",
        "1",
        "offsets.topic.replication.factor",
        "1",
        "group.initial.rebalance.delay.ms",
        "0",
        "auto.create.topics.enable",
        "true");
  }

  /**
   * Starts the broker with its client listener on {@code localhost:port}; the formatter's lines
   * that Kafka prints on standard output go to {@code quietOut} instead.
   */
  static LocalKafka start(int port, PrintStream quietOut) {
    EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
    broker.brokerProperties(brokerProperties(port));
    PrintStream stdout = System.out;
    synchronized (LocalKafka.class) {
      System.setOut(quietOut);
      try {
        broker.afterPropertiesSet();
      } finally {
        System.setOut(stdout);
      }
    }
    return new LocalKafka(broker, "localhost:" + port);
  }

  String bootstrapServers() {
    return bootstrapServers;
  }

  /** Creates the topics that do not exist yet. */
  void createTopics(Collection<NewTopic> topics) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
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

  @Override
  public void close() {
    broker.destroy();
  }
}
