package io.faultline.executor.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.faultline.executor.kafka.KafkaClients;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeartbeatPublisherTest {
  // Nothing listens there: every send fails once its metadata wait (one interval, ≥ 1 s) is over.
  private static final KafkaClients NO_BROKER = KafkaClients.of("127.0.0.1:1");

  @Test
  void keepsBeatingWhileNoBeatCanBeSent() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (HeartbeatPublisher publisher =
        new HeartbeatPublisher(NO_BROKER, "executor-1", Duration.ofMillis(200), List::of, meters)) {
      publisher.start();

      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  meters.counter(HeartbeatPublisher.HEARTBEATS, "outcome", "failed").count() >= 3);
    }
    assertThat(meters.counter(HeartbeatPublisher.HEARTBEATS, "outcome", "sent").count()).isZero();
  }

  @Test
  void refusesAnExecutorIdNoHeartbeatCanBeKeyedBy() {
    assertThatThrownBy(
            () ->
                new HeartbeatPublisher(
                    NO_BROKER,
                    "pod/with a space",
                    Duration.ofSeconds(5),
                    List::of,
                    new SimpleMeterRegistry()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pod/with a space");
  }
}
