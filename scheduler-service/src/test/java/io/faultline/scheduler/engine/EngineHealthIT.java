package io.faultline.scheduler.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.scheduler.Http;
import io.faultline.scheduler.SchedulerInstance;
import io.faultline.scheduler.SharedScheduler;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The service's health while the engine runs, from the shared instance on the real broker. */
@ExtendWith(SharedScheduler.class)
class EngineHealthIT {
  private static SchedulerInstance app;

  @BeforeAll
  static void start() {
    app = SharedScheduler.get();
  }

  @Test
  void reportsHealthUpWhileTheEngineRuns() {
    Http.Response health = app.management().get("/actuator/health");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.body().path("status").asText()).isEqualTo("UP");
  }
}
