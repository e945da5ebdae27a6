package io.faultline.scheduler.engine;

import io.faultline.telemetry.kafka.ConsumerLiveness;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Whether this instance reads what it must (part of the readiness group): UP while the engine's
 * Streams client is RUNNING or REBALANCING with every stream thread alive and every other Kafka
 * reader of the service (the live event stream) runs; DOWN otherwise, because then schedules of
 * this instance's tenants do not fire, runs do not advance or live streams go silent.
 */
@Component("engineHealthIndicator")
class EngineHealth implements HealthIndicator {
  private final SchedulerEngine engine;
  private final ConsumerLiveness readers;

  EngineHealth(SchedulerEngine engine, ConsumerLiveness readers) {
    this.engine = engine;
    this.readers = readers;
  }

  @Override
  public Health health() {
    Optional<String> problem = engine.problem();
    KafkaStreams streams = engine.streams();
    Health.Builder builder =
        problem.isEmpty() && readers.allRunning() ? Health.up() : Health.down();
    builder.withDetail("state", streams == null ? "NOT_STARTED" : streams.state().name());
    problem.ifPresent(p -> builder.withDetail("problem", p));
    if (engine.self() != null) {
      builder.withDetail("self", engine.self());
    }
    return builder.withDetail("readers", readers.states()).build();
  }
}
