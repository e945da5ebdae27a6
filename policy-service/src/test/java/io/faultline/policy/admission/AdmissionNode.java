package io.faultline.policy.admission;

import io.faultline.policy.kafka.KafkaClients;
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
 * One policy-service instance in its own JVM, for the crash test: runs intake and admission until
 * killed and reports admission's state and the active tasks on stdout ({@code STATE x}, {@code
 * TASKS admission/0_0,intake/0_3}).
 *
 * <p>Arguments: bootstrap servers, application id, topic prefix, platform maximum, state dir.
 */
public final class AdmissionNode {
  private AdmissionNode() {}

  public static void main(String[] args) throws InterruptedException {
    Properties intake = StreamsSettings.intake(args[1], 1, args[4], 1);
    Properties admission = StreamsSettings.admission(args[1], args[4], 1);
    // Notice a killed instance quickly.
    for (Properties props : new Properties[] {intake, admission}) {
      props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6000);
      props.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 1000);
    }
    AdmissionPipeline pipeline =
        new AdmissionPipeline(
            new AdmissionSettings(
                Integer.parseInt(args[3]), Duration.ofHours(1), Duration.ofSeconds(1), args[2]),
            AdmissionTelemetry.none(),
            KafkaClients.plaintext(args[0]),
            intake,
            admission,
            // Keep the admission log, so the test can replay it.
            null);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  pipeline.close(Duration.ofSeconds(10));
                  stopped.countDown();
                }));
    pipeline.start();
    Set<String> reported = Set.of();
    KafkaStreams.State reportedState = null;
    // Polled, not a state listener: the pipeline's own listener reports liveness.
    while (!stopped.await(200, java.util.concurrent.TimeUnit.MILLISECONDS)) {
      KafkaStreams.State state = pipeline.admission().state();
      if (state != reportedState) {
        System.out.println("STATE " + state);
        reportedState = state;
      }
      Set<String> tasks = new TreeSet<>();
      for (ThreadMetadata thread : pipeline.admission().metadataForLocalThreads()) {
        thread.activeTasks().forEach(t -> tasks.add("admission/" + t.taskId()));
      }
      for (ThreadMetadata thread : pipeline.intake().metadataForLocalThreads()) {
        thread.activeTasks().forEach(t -> tasks.add("intake/" + t.taskId()));
      }
      if (!tasks.equals(reported)) {
        System.out.println("TASKS " + String.join(",", tasks));
        reported = tasks;
      }
    }
  }
}
