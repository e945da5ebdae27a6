package io.faultline.benchmarks.jvm;

import io.faultline.events.topics.Topics;
import io.faultline.local.ChildProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The broker of one measurement in a child JVM ({@link BrokerMain}), with every topic of the
 * catalogue (their partitions and configs: the requests topic stamped with the broker's append
 * time, as ADR 0008 needs) and the pipe's two topics created.
 */
public final class ChildBroker implements AutoCloseable {
  /**
   * The pipe's input topic of one mode ({@code eos}, {@code plain}): as many partitions as
   * requests.
   */
  public static String pipeIn(String mode) {
    return "bench.pipe-in." + mode;
  }

  public static String pipeOut(String mode) {
    return "bench.pipe-out." + mode;
  }

  private final ChildProcess process;
  private final String bootstrapServers;

  private ChildBroker(ChildProcess process, String bootstrapServers) {
    this.process = process;
    this.bootstrapServers = bootstrapServers;
  }

  public static ChildBroker start(Path workDir, int port) {
    try {
      Files.createDirectories(workDir.resolve("kafka-tmp"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + workDir.resolve("kafka-tmp"), e);
    }
    ChildProcess process =
        ChildJvm.start(
            "kafka",
            BrokerMain.class,
            List.of("-Xmx1g", "-XX:+UseG1GC", "-Djava.io.tmpdir=" + workDir.resolve("kafka-tmp")),
            List.of(Integer.toString(port)),
            workDir);
    ChildBroker broker = new ChildBroker(process, "localhost:" + port);
    try {
      process.awaitListening(port, Duration.ofSeconds(90));
      broker.createTopics();
      return broker;
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
  }

  private void createTopics() {
    List<NewTopic> topics = new ArrayList<>();
    Topics.all().forEach(topic -> topics.add(topic.newTopic((short) 1)));
    int requestPartitions = Topics.FAULT_REQUESTS.partitions();
    for (String mode : List.of("eos", "plain")) {
      topics.add(new NewTopic(pipeIn(mode), requestPartitions, (short) 1));
      topics.add(new NewTopic(pipeOut(mode), Topics.FAULT_LIFECYCLE.partitions(), (short) 1));
    }
    try (Admin admin = admin()) {
      admin.createTopics(topics).all().get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot create the topics: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public long pid() {
    return process.pid();
  }

  public double cpuSeconds() {
    return ProcessCpu.seconds(process.pid());
  }

  @Override
  public void close() {
    process.close();
  }
}
