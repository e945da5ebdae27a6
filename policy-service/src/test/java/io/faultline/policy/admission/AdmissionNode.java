package io.faultline.policy.admission;

import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.ThreadMetadata;

/**
 * One policy-service instance in its own JVM, for the crash test: runs the admission topology until
 * killed and reports its state and active tasks on stdout ({@code STATE x}, {@code TASKS a,b}).
 *
 * <p>Arguments: bootstrap servers, application id, topic prefix, platform maximum, state dir.
 */
public final class AdmissionNode {
  private AdmissionNode() {}

  public static void main(String[] args) throws InterruptedException {
    Properties props = StreamsSettings.of(args[0], args[1], 1, args[4], 1);
    // Notice a killed instance quickly; keep the admission log so the test can replay it.
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6000);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 1000);
    props.put(StreamsConfig.REPARTITION_PURGE_INTERVAL_MS_CONFIG, Long.MAX_VALUE);
    KafkaStreams streams =
        new KafkaStreams(
            AdmissionTopology.build(
                new AdmissionSettings(
                    Integer.parseInt(args[3]),
                    Duration.ofHours(1),
                    Duration.ofSeconds(1),
                    args[2])),
            props);
    streams.setStateListener((now, before) -> System.out.println("STATE " + now));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  streams.close(Duration.ofSeconds(10));
                  stopped.countDown();
                }));
    streams.start();
    Set<String> reported = Set.of();
    while (!stopped.await(200, java.util.concurrent.TimeUnit.MILLISECONDS)) {
      Set<String> tasks = new TreeSet<>();
      for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
        thread.activeTasks().forEach(t -> tasks.add(t.taskId().toString()));
      }
      if (!tasks.equals(reported)) {
        System.out.println("TASKS " + String.join(",", tasks));
        reported = tasks;
      }
    }
  }
}
