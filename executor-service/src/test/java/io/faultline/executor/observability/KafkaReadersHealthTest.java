package io.faultline.executor.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.telemetry.kafka.ConsumerLiveness;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

class KafkaReadersHealthTest {
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final ConsumerLiveness readers = new ConsumerLiveness("executor-service", meters);
  private final KafkaReadersHealth health = new KafkaReadersHealth(readers);

  @Test
  void isUpWhileEveryReaderRuns() {
    readers.running("controls");
    readers.running("approvals");

    Health up = health.health();

    assertThat(up.getStatus()).isEqualTo(Status.UP);
    assertThat(up.getDetails()).containsEntry("controls", "running");
  }

  @Test
  void goesDownAndZeroesTheGaugeWhenAReaderStops() {
    readers.running("controls");
    readers.running("approvals");

    readers.stopped("controls", "poll failed: TopicAuthorizationException");

    Health down = health.health();
    assertThat(down.getStatus()).isEqualTo(Status.DOWN);
    assertThat(down.getDetails())
        .containsEntry("controls", "poll failed: TopicAuthorizationException")
        .containsEntry("approvals", "running");
    assertThat(
            meters
                .get(ConsumerLiveness.METRIC)
                .tag("consumer", "controls")
                .tag("service", "executor-service")
                .gauge()
                .value())
        .isZero();

    readers.running("controls");
    assertThat(health.health().getStatus()).isEqualTo(Status.UP);
  }
}
