package io.faultline.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.faultline.testsupport.ZipkinServer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FaultlineOpenTelemetryIT {

  @Test
  void exportsSpansToAZipkinServerNamedForTheService() {
    ZipkinServer zipkin = ZipkinServer.shared();
    String traceId;
    try (OpenTelemetrySdk sdk =
        FaultlineOpenTelemetry.autoConfigured(
            "telemetry-it",
            Map.of(
                "otel.traces.exporter",
                "zipkin",
                "otel.exporter.zipkin.endpoint",
                zipkin.spansEndpoint().toString()))) {
      Span span = sdk.getTracer("test").spanBuilder("policy.decide").startSpan();
      traceId = span.getSpanContext().getTraceId();
      span.end();
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(zipkin.trace(traceId))
                    .hasValueSatisfying(
                        json ->
                            assertThat(json)
                                .contains("\"name\":\"policy.decide\"")
                                .contains("\"serviceName\":\"telemetry-it\"")));
  }

  @Test
  void otlpIsTheDefaultExporter() {
    try (OpenTelemetrySdk sdk = FaultlineOpenTelemetry.autoConfigured("telemetry-it")) {
      assertThat(sdk.getSdkTracerProvider().toString()).contains("OtlpHttpSpanExporter");
    }
  }

  @Test
  void systemPropertiesWinOverTheServiceSettings() {
    System.setProperty("otel.traces.exporter", "none");
    try (OpenTelemetrySdk sdk =
        FaultlineOpenTelemetry.autoConfigured(
            "telemetry-it", Map.of("otel.traces.exporter", "console"))) {
      assertThat(sdk.getSdkTracerProvider().toString())
          .doesNotContain("LoggingSpanExporter")
          .doesNotContain("OtlpHttpSpanExporter");
    } finally {
      System.clearProperty("otel.traces.exporter");
    }
  }
}
