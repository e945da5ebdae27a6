package io.faultline.executor.probe.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.ids.ExperimentId;
import io.faultline.events.ids.RunId;
import io.faultline.events.ids.TenantId;
import io.faultline.events.probe.HttpProbeMethod;
import io.faultline.events.probe.HttpSettings;
import io.faultline.events.probe.ProbeCatalogue;
import io.faultline.events.probe.ProbeDefinition;
import io.faultline.events.probe.ProbeReading;
import io.faultline.executor.guard.TenantAccounts;
import io.faultline.executor.probe.ProbeAccounts;
import io.faultline.executor.probe.ProbeContext;
import io.faultline.executor.probe.ProbeRegistry;
import io.faultline.executor.probe.ProbeTools;
import io.faultline.executor.probe.egress.EgressClient;
import io.faultline.executor.probe.egress.EgressSettings;
import io.faultline.executor.probe.egress.ProbeServer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The http probe against a real server in a network namespace, through the egress rules. */
class HttpProbeIT {
  private static ProbeServer server;
  private static EgressClient egress;
  private static HttpProbe probe;

  @BeforeAll
  static void start() {
    server = new ProbeServer();
    egress = EgressClient.of(new EgressSettings(List.of(server.address())));
    probe = new HttpProbe(egress);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static HttpSettings get(String path, Integer maxLatencyMs, String bodyMatches) {
    return new HttpSettings(
        server.url(path), HttpProbeMethod.GET, 200, maxLatencyMs, bodyMatches, 5000);
  }

  @Test
  void aHealthyAnswerIsAnOkReadingWithStatusAndLatency() {
    ProbeReading reading = probe.read(get("/health", 2000, "^ok$"));

    assertThat(reading.ok()).isTrue();
    assertThat(reading.status()).isEqualTo(200);
    assertThat(reading.latencyMs()).isBetween(0L, 2000L);
    assertThat(reading.error()).isNull();
    assertThat(reading.value()).isNull();
  }

  @Test
  void headIsJudgedOnItsStatus() {
    ProbeReading reading =
        probe.read(
            new HttpSettings(server.url("/health"), HttpProbeMethod.HEAD, 200, null, null, 5000));

    assertThat(reading.ok()).isTrue();
    assertThat(reading.status()).isEqualTo(200);
  }

  @Test
  void anotherStatusFails() {
    ProbeReading reading = probe.read(get("/status/503", null, null));

    assertThat(reading.ok()).isFalse();
    assertThat(reading.status()).isEqualTo(503);
    assertThat(reading.error()).isEqualTo("status 503, expected 200");
  }

  @Test
  void aRedirectIsNotFollowedSoItFailsAnExpected200() {
    ProbeReading reading = probe.read(get("/redirect", null, null));

    assertThat(reading.ok()).isFalse();
    assertThat(reading.status()).isEqualTo(302);
    assertThat(reading.error()).isEqualTo("status 302, expected 200");
  }

  @Test
  void aSlowAnswerFailsMaxLatency() {
    ProbeReading reading = probe.read(get("/delay?ms=400", 100, null));

    assertThat(reading.ok()).isFalse();
    assertThat(reading.status()).isEqualTo(200);
    assertThat(reading.latencyMs()).isGreaterThanOrEqualTo(400L);
    assertThat(reading.error()).matches("latency \\d+ ms above 100 ms");
  }

  @Test
  void aBodyThatDoesNotMatchFails() {
    ProbeReading reading = probe.read(get("/health", null, "ready"));

    assertThat(reading.ok()).isFalse();
    assertThat(reading.error()).isEqualTo("body does not match bodyMatches");
  }

  @Test
  void bodyMatchesSeesOnlyTheFirst64Kib() {
    assertThat(probe.read(get("/big", null, "^x{65536}$")).ok()).isTrue();

    ProbeReading beyond = probe.read(get("/big", null, "x{65537}"));
    assertThat(beyond.ok()).isFalse();
    assertThat(beyond.error()).isEqualTo("body (first 64 KiB) does not match bodyMatches");
  }

  @Test
  void aBacktrackingPatternIsStoppedNotWaitedFor() {
    long start = System.nanoTime();
    ProbeReading reading = probe.read(get("/big", null, "(x+x+)+y"));

    assertThat(reading.ok()).isFalse();
    assertThat(reading.error()).isEqualTo("bodyMatches took longer than 200 ms; not judged");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void noAnswerWithinTheTimeoutIsAFailingReadingWithoutStatus() {
    ProbeReading reading =
        probe.read(
            new HttpSettings(server.url("/slow"), HttpProbeMethod.GET, 200, null, null, 700));

    assertThat(reading.ok()).isFalse();
    assertThat(reading.status()).isNull();
    assertThat(reading.error())
        .isEqualTo(
            "no answer from " + server.address() + ":" + ProbeServer.PORT + " within 700 ms");
  }

  @Test
  void aRefusedUrlIsAFailingReadingSayingWhy() {
    ProbeReading metadata =
        probe.read(
            new HttpSettings(
                URI.create("http://169.254.169.254/latest/meta-data/"),
                HttpProbeMethod.GET,
                200,
                null,
                null,
                5000));
    assertThat(metadata.ok()).isFalse();
    assertThat(metadata.error())
        .isEqualTo(
            "egress refused: 169.254.169.254 is the instance metadata address, refused whatever"
                + " faultline.executor.probes.allowed-hosts says");

    EgressClient nothingAllowed = EgressClient.of(new EgressSettings(List.of()));
    ProbeReading reading = new HttpProbe(nothingAllowed).read(get("/health", null, null));
    assertThat(reading.ok()).isFalse();
    assertThat(reading.error())
        .isEqualTo(
            "egress refused: no host is allowed: faultline.executor.probes.allowed-hosts is empty (an"
                + " operator must list hosts)");
  }

  @Test
  void theStandardRegistryReadsHttpProbesThroughItsEgress() {
    ProbeDefinition definition =
        ProbeCatalogue.standard()
            .validate(
                Map.of(
                    "name", "api-ok",
                    "type", "http",
                    "url", server.url("/health").toString(),
                    "bodyMatches", "ok",
                    "maxLatencyMs", 2000));
    ProbeContext context =
        new ProbeContext(TenantId.of("acme"), RunId.of("run-1"), ExperimentId.of("exp-1"));

    ProbeReading allowed =
        ProbeRegistry.standard(
                new ProbeTools(
                    null,
                    new ProbeAccounts(new TenantAccounts(), Clock.systemUTC()),
                    Clock.systemUTC(),
                    egress))
            .read(definition, context);
    assertThat(allowed.ok()).isTrue();
    assertThat(allowed.status()).isEqualTo(200);

    // Tools built without an egress allow no host.
    ProbeReading byDefault =
        ProbeRegistry.standard(
                new ProbeTools(
                    null,
                    new ProbeAccounts(new TenantAccounts(), Clock.systemUTC()),
                    Clock.systemUTC()))
            .read(definition, context);
    assertThat(byDefault.ok()).isFalse();
    assertThat(byDefault.error()).startsWith("egress refused: no host is allowed");
  }
}
