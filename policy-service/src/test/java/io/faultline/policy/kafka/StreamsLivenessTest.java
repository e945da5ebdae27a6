package io.faultline.policy.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.telemetry.kafka.ConsumerLiveness;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.streams.KafkaStreams.State;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

/**
 * What readiness and {@code faultline_consumer_running} say through a Streams application's life,
 * including the moment a stream thread dies (which the integration tests cannot provoke: every
 * record-level failure is caught before it reaches the thread).
 */
class StreamsLivenessTest {
  SimpleMeterRegistry registry = new SimpleMeterRegistry();
  ConsumerLiveness consumers = new ConsumerLiveness("policy-service", registry);
  StreamsLiveness liveness = new StreamsLiveness("admission", consumers, registry);

  double gauge() {
    return registry
        .get(ConsumerLiveness.METRIC)
        .tag("consumer", "admission")
        .tag("service", "policy-service")
        .gauge()
        .value();
  }

  @Test
  void isDownUntilRunningAndWhileRebalancingStaysUp() {
    assertThat(liveness.up()).isFalse();
    assertThat(gauge()).isZero();
    liveness.onChange(State.REBALANCING, State.CREATED);
    liveness.onChange(State.RUNNING, State.REBALANCING);
    liveness.onChange(State.REBALANCING, State.RUNNING);
    assertThat(liveness.up()).isTrue();
    assertThat(gauge()).isEqualTo(1.0);
  }

  @Test
  void aDeadThreadIsReplacedAndShowsUntilTheApplicationRunsAgain() {
    liveness.onChange(State.RUNNING, State.REBALANCING);

    StreamThreadExceptionResponse response =
        liveness.handle(new IllegalStateException("store corrupted"));

    assertThat(response).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    assertThat(liveness.up()).isFalse();
    assertThat(gauge()).isZero();
    assertThat(liveness.threadFailures()).isEqualTo(1);
    assertThat(registry.get(StreamsLiveness.THREAD_FAILURES).counter().count()).isEqualTo(1.0);
    assertThat(consumers.states().get("admission")).contains("failed").contains("store corrupted");
    // The replacement joins the group: a rebalance is not yet enough.
    liveness.onChange(State.REBALANCING, State.RUNNING);
    assertThat(liveness.up()).isFalse();
    liveness.onChange(State.RUNNING, State.REBALANCING);
    assertThat(liveness.up()).isTrue();
    assertThat(gauge()).isEqualTo(1.0);
  }

  @Test
  void aStoppedOrFailedApplicationIsDown() {
    liveness.onChange(State.RUNNING, State.REBALANCING);
    liveness.onChange(State.PENDING_ERROR, State.RUNNING);
    assertThat(liveness.up()).isFalse();
    assertThat(gauge()).isZero();
    assertThat(consumers.states()).containsEntry("admission", "streams PENDING_ERROR");
    liveness.onChange(State.ERROR, State.PENDING_ERROR);
    assertThat(consumers.allRunning()).isFalse();
  }
}
