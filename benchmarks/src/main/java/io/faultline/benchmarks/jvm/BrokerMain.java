package io.faultline.benchmarks.jvm;

import io.faultline.local.LocalKafka;
import java.util.HashMap;
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
    // local-platform's broker, without creating topics on first use (the drivers create them).
    Map<String, String> properties = new HashMap<>(LocalKafka.brokerProperties(port));
    properties.put("auto.create.topics.enable", "false");
    broker.brokerProperties(properties);
    broker.afterPropertiesSet();
    Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy));
    System.out.println("BROKER READY localhost:" + port);
    new CountDownLatch(1).await();
  }
}
