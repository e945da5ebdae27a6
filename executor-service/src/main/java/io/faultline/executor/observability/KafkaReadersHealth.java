package io.faultline.executor.observability;

import io.faultline.telemetry.kafka.ConsumerLiveness;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Down while any of the executor's Kafka readers (controls, approvals, heartbeats, tenant policies)
 * has stopped: an executor blind to halts or to new approvals is taken out of service by its
 * readiness probe. Part of the readiness group ({@code /actuator/health/readiness}).
 */
public final class KafkaReadersHealth implements HealthIndicator {
  private final ConsumerLiveness readers;

  public KafkaReadersHealth(ConsumerLiveness readers) {
    this.readers = readers;
  }

  @Override
  public Health health() {
    return (readers.allRunning() ? Health.up() : Health.down())
        .withDetails(readers.states())
        .build();
  }
}
