package io.faultline.policy.admission;

import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Up while both policy streams (intake and admission) run or rebalance; down once they failed or
 * stopped, so a readiness probe takes an instance that can no longer decide out of service.
 */
@Component
class AdmissionHealth implements HealthIndicator {
  private final AdmissionStreams streams;

  AdmissionHealth(AdmissionStreams streams) {
    this.streams = streams;
  }

  @Override
  public Health health() {
    KafkaStreams.State state = streams.state();
    boolean up = state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
    return (up ? Health.up() : Health.down())
        .withDetail("streams", state.name())
        .withDetails(streams.states())
        .build();
  }
}
