package io.faultline.benchmarks.jvm;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A one-node KRaft broker alone in its JVM (configured like local-platform's in-JVM broker), so its
 * CPU is its own: {@code BrokerMain <port>} listens on {@code localhost:<port>} and prints {@code
 * BROKER READY} once up; it stops when killed.
 */
public final class BrokerMain {
  private BrokerMain() {}

  public static void main(String[] args) throws InterruptedException {
    int port = Integer.parseInt(args[0]);
    EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
    // The test kit binds its own EXTERNAL listener to a random port; LOCAL is the one clients use.
    // Without the replication settings, transactions hang on a one-broker cluster.
    broker.brokerProperties(
        Map.of(
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
            "false"));
    broker.afterPropertiesSet();
    Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy));
    System.out.println("BROKER READY localhost:" + port);
    new CountDownLatch(1).await();
  }
}
