package io.faultline.scheduler.engine;

import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health of the engine: UP when its Streams client runs, DOWN when it failed or stopped (then no
 * schedule of this instance's tenants fires), OUT_OF_SERVICE while it starts or rebalances.
 */
@Component("engineHealthIndicator")
class EngineHealth implements HealthIndicator {
  private final SchedulerEngine engine;

  EngineHealth(SchedulerEngine engine) {
    this.engine = engine;
  }

  @Override
  public Health health() {
    KafkaStreams streams = engine.streams();
    if (streams == null) {
      return Health.outOfService().withDetail("state", "NOT_STARTED").build();
    }
    KafkaStreams.State state = streams.state();
    Health.Builder builder =
        switch (state) {
          case RUNNING -> Health.up();
          case CREATED, REBALANCING -> Health.outOfService();
          default -> Health.down();
        };
    return builder.withDetail("state", state.name()).withDetail("self", engine.self()).build();
  }
}
