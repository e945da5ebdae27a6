package io.faultline.policy.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.faultline.policy.PolicyApplication;
import io.faultline.testsupport.TestKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Readiness tells the truth (promise 8): the readiness probe and the {@code
 * faultline_consumer_running} gauges say up while intake and admission run, and down once one of
 * them stopped, while liveness stays up (restarting would not help a cluster-side failure).
 */
@SpringBootTest(
    classes = PolicyApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class ReadinessIT {
  static final String APPLICATION_ID = "policy-readiness-it-" + UUID.randomUUID();

  // Actuator answers on the management port (random in a test).
  @LocalManagementPort int port;
  @Autowired AdmissionStreams streams;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    try {
      String state = Files.createTempDirectory("policy-readiness").toString();
      new Broker("");
      registry.add("spring.kafka.bootstrap-servers", TestKafka::bootstrapServers);
      registry.add("faultline.policy.state-dir", () -> state);
      registry.add("faultline.policy.application-id", () -> APPLICATION_ID);
      registry.add("faultline.policy.replication-factor", () -> 1);
      registry.add("faultline.policy.stream-threads", () -> 1);
      registry.add("management.endpoint.health.show-details", () -> "always");
      System.setProperty("otel.traces.exporter", "none");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterAll
  static void clearTracing() {
    System.clearProperty("otel.traces.exporter");
  }

  @Test
  void readinessIsUpWhileBothStreamsRunAndDownOnceAdmissionStopped() throws Exception {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              HttpResponse<String> readiness = get("/actuator/health/readiness");
              assertThat(readiness.statusCode()).isEqualTo(200);
              assertThat(readiness.body()).contains("\"status\":\"UP\"");
              assertThat(get("/actuator/prometheus").body())
                  .containsPattern(running("admission", "1.0"))
                  .containsPattern(running("intake", "1.0"));
            });
    assertThat(streams.threadFailures()).isZero();

    streams.pipeline().admission().close(Duration.ofSeconds(10));

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              HttpResponse<String> readiness = get("/actuator/health/readiness");
              assertThat(readiness.statusCode()).isEqualTo(503);
              assertThat(readiness.body()).contains("\"status\":\"DOWN\"");
              assertThat(get("/actuator/prometheus").body())
                  .containsPattern(running("admission", "0.0"))
                  .containsPattern(running("intake", "1.0"));
            });
    assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
    assertThat(get("/actuator/health/readiness").body())
        .contains("\"admission\":\"streams NOT_RUNNING\"");
  }

  private static String running(String consumer, String value) {
    return "faultline_consumer_running\\{consumer=\""
        + consumer
        + "\",service=\"policy-service\"} "
        + value.replace(".", "\\.");
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
