package io.faultline.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Readiness tells the truth about the Kafka readers (promise 8): UP while the engine and the live
 * event stream read, DOWN (and {@code faultline_consumer_running} 0 for the reader) once one
 * stopped, while liveness stays UP so the instance is taken out of service, not restarted in a
 * loop. Runs its own instance, since it stops that instance's readers.
 */
class ReaderReadinessIT {
  private static SchedulerInstance app;

  @BeforeAll
  static void start() {
    app = SchedulerInstance.start("sched-readiness-" + UUID.randomUUID(), Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @Test
  void readinessGoesDownAndTheGaugeToZeroOnceAKafkaReaderStops() throws Exception {
    awaitReadiness(200, "UP");
    assertThat(running("engine")).isEqualTo(1);
    assertThat(running("lifecycle-sse")).isEqualTo(1);

    // A stream thread that is gone and not replaced: the client itself still says RUNNING.
    KafkaStreams streams = app.engine().streams();
    assertThat(streams.removeStreamThread()).isPresent();
    awaitReadiness(503, "DOWN");
    assertThat(running("engine")).isEqualTo(0);
    assertThat(app.management().get("/actuator/health/liveness").status()).isEqualTo(200);

    assertThat(streams.addStreamThread()).isPresent();
    awaitReadiness(200, "UP");
    assertThat(running("engine")).isEqualTo(1);

    // The live event stream stops.
    app.context.getBean("lifecycleStream", AutoCloseable.class).close();
    awaitReadiness(503, "DOWN");
    assertThat(running("lifecycle-sse")).isEqualTo(0);
    assertThat(running("engine")).isEqualTo(1);
    assertThat(app.management().get("/actuator/health/liveness").status()).isEqualTo(200);

    // The engine stops: its gauge drops without anyone asking for health.
    streams.close(Duration.ofSeconds(20));
    await().atMost(Duration.ofSeconds(10)).until(() -> running("engine") == 0);
  }

  private static void awaitReadiness(int status, String state) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Http.Response readiness = app.management().get("/actuator/health/readiness");
              assertThat(readiness.status()).isEqualTo(status);
              assertThat(readiness.body().path("status").asText()).isEqualTo(state);
            });
  }

  /** {@code faultline_consumer_running{consumer, service="scheduler-service"}} as scraped. */
  private static double running(String consumer) {
    String text = app.management().get("/actuator/prometheus").raw();
    return text.lines()
        .filter(l -> l.startsWith("faultline_consumer_running{"))
        .filter(l -> l.contains("consumer=\"" + consumer + "\""))
        .filter(l -> l.contains("service=\"scheduler-service\""))
        .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no faultline_consumer_running for " + consumer));
  }
}
