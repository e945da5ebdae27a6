package io.faultline.policy.admission;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health indicator {@code admission}, part of the readiness group: up while both policy streams
 * (intake and admission) run or rebalance; down once either failed or stopped, or while one of
 * their stream threads has died and is not replaced yet, so a readiness probe takes an instance
 * that can no longer decide out of service. The same facts are the {@code
 * faultline_consumer_running} gauges ({@code consumer} = {@code intake}, {@code admission}).
 */
@Component("admissionHealthIndicator")
class AdmissionHealth implements HealthIndicator {
  private final AdmissionStreams streams;

  AdmissionHealth(AdmissionStreams streams) {
    this.streams = streams;
  }

  @Override
  public Health health() {
    return (streams.up() ? Health.up() : Health.down())
        .withDetail("streams", streams.state().name())
        .withDetails(streams.states())
        .withDetail("consumers", streams.liveness())
        .withDetail("threadFailures", streams.threadFailures())
        .build();
  }
}
