package io.faultline.executor.probe.promql;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.ids.ExperimentId;
import io.faultline.events.ids.RunId;
import io.faultline.events.ids.TenantId;
import io.faultline.events.probe.Comparison;
import io.faultline.events.probe.ProbeCatalogue;
import io.faultline.events.probe.ProbeDefinition;
import io.faultline.events.probe.ProbeReading;
import io.faultline.events.probe.PromQlSettings;
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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The promql probe against a real Prometheus-compatible HTTP API (the probe server's {@code
 * /api/v1/query}) in a network namespace, through the egress rules.
 */
class PromqlProbeIT {
  private static ProbeServer server;
  private static EgressClient egress;
  private static PromqlProbe probe;

  @BeforeAll
  static void start() {
    server = new ProbeServer();
    egress = EgressClient.of(new EgressSettings(List.of(server.address() + "/32")));
    probe = new PromqlProbe(egress);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static ProbeReading read(String query, Comparison comparison, double threshold) {
    return probe.read(new PromQlSettings(server.url("/"), query, comparison, threshold));
  }

  @Test
  void theFirstSampleOfAVectorThatHoldsIsOk() {
    ProbeReading reading = read("up", Comparison.GREATER_OR_EQUAL, 1);

    assertThat(reading.ok()).isTrue();
    assertThat(reading.value()).isEqualTo(1.0);
    assertThat(reading.status()).isEqualTo(200);
    assertThat(reading.latencyMs()).isNotNull();
    assertThat(reading.error()).isNull();
  }

  @Test
  void aValueOutsideTheHealthyConditionFails() {
    ProbeReading reading = read("error_ratio", Comparison.LESS_THAN, 0.1);

    assertThat(reading.ok()).isFalse();
    assertThat(reading.value()).isEqualTo(0.25);
    assertThat(reading.error()).isEqualTo("healthy when value < 0.1");
  }

  @Test
  void aScalarIsCompared() {
    assertThat(read("scalar(42)", Comparison.GREATER_THAN, 40).value()).isEqualTo(42.0);
    assertThat(read("scalar(42)", Comparison.GREATER_THAN, 40).ok()).isTrue();
    assertThat(read("scalar(42)", Comparison.LESS_OR_EQUAL, 40).ok()).isFalse();
  }

  @Test
  void anEmptyResultIsAFailingReadingWithNoSample() {
    ProbeReading reading = read("absent_metric", Comparison.LESS_THAN, 1);

    assertThat(reading.ok()).isFalse();
    assertThat(reading.value()).isNull();
    assertThat(reading.error()).isEqualTo("no sample");
  }

  @Test
  void aNonFiniteSampleOrARangeQueryFails() {
    assertThat(read("nan_metric", Comparison.LESS_THAN, 1).error())
        .isEqualTo("sample is NaN, not a finite number");
    assertThat(read("range_metric[5m]", Comparison.LESS_THAN, 1).error())
        .isEqualTo("the query returns a matrix; an instant vector or a scalar is expected");
  }

  @Test
  void aQueryThePrometheusApiRefusesFailsWithItsError() {
    ProbeReading reading = read("rate(x[", Comparison.LESS_THAN, 1);

    assertThat(reading.ok()).isFalse();
    assertThat(reading.status()).isEqualTo(400);
    assertThat(reading.error())
        .isEqualTo("HTTP 400, query failed (bad_data): unknown query rate(x[");
  }

  @Test
  void aRefusedEndpointIsAFailingReading() {
    ProbeReading reading =
        probe.read(
            new PromQlSettings(
                URI.create("http://127.0.0.1:9090"), "up", Comparison.GREATER_THAN, 0));

    assertThat(reading.ok()).isFalse();
    assertThat(reading.error())
        .isEqualTo(
            "egress refused: 127.0.0.1 is a loopback address, refused whatever"
                + " faultline.executor.probes.allowed-hosts says");
  }

  @Test
  void theStandardRegistryReadsPromqlProbes() {
    ProbeDefinition definition =
        ProbeCatalogue.standard()
            .validate(
                Map.of(
                    "name", "error-ratio",
                    "type", "promql",
                    "endpoint", server.url("").toString(),
                    "query", "error_ratio",
                    "comparison", "<",
                    "threshold", 0.5));

    ProbeReading reading =
        ProbeRegistry.standard(
                new ProbeTools(
                    null,
                    new ProbeAccounts(new TenantAccounts(), Clock.systemUTC()),
                    Clock.systemUTC(),
                    egress))
            .read(
                definition,
                new ProbeContext(TenantId.of("acme"), RunId.of("run-1"), ExperimentId.of("exp-1")));

    assertThat(reading.ok()).isTrue();
    assertThat(reading.value()).isEqualTo(0.25);
  }

  @Test
  void queriesUnderTheEndpointsPath() {
    assertThat(
            PromqlProbe.queryUri(
                new PromQlSettings(
                    URI.create("https://metrics.internal/prometheus/"),
                    "sum(rate(http_requests_total{code=~\"5..\"}[5m]))",
                    Comparison.LESS_THAN,
                    1)))
        .hasToString(
            "https://metrics.internal/prometheus/api/v1/query?query=sum%28rate%28http_requests_total%7Bcode%3D%7E%225..%22%7D%5B5m%5D%29%29");
  }
}
