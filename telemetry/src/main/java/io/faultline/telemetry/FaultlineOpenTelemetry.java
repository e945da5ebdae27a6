package io.faultline.telemetry;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.HashMap;
import java.util.Map;

/**
 * The OpenTelemetry SDK of a Faultline service, configured the standard way: every {@code OTEL_*}
 * environment variable and {@code otel.*} system property of the SDK's autoconfigure module applies
 * and wins over the defaults here.
 *
 * <p>Defaults: traces go to OTLP ({@code OTEL_EXPORTER_OTLP_ENDPOINT}, {@code http/protobuf} over
 * the JDK's HTTP client); {@code OTEL_TRACES_EXPORTER=zipkin} with {@code
 * OTEL_EXPORTER_ZIPKIN_ENDPOINT} sends them to a Zipkin server for development and tests, {@code
 * console} logs them, {@code none} turns them off. Metrics and logs are not exported through
 * OpenTelemetry: metrics are Micrometer's Prometheus endpoint, logs are JSON on standard output.
 * W3C trace context and baggage propagate.
 */
public final class FaultlineOpenTelemetry {
  private FaultlineOpenTelemetry() {}

  /**
   * Builds the SDK for a service; the caller closes it on shutdown, which flushes pending spans.
   */
  public static OpenTelemetrySdk autoConfigured(String serviceName) {
    return autoConfigured(serviceName, Map.of());
  }

  /**
   * As {@link #autoConfigured(String)}, with settings (in {@code otel.*} property form) that take
   * precedence over the defaults but not over the environment, e.g. from a Spring property source.
   */
  public static OpenTelemetrySdk autoConfigured(String serviceName, Map<String, String> settings) {
    Map<String, String> defaults = new HashMap<>();
    defaults.put("otel.service.name", serviceName);
    defaults.put("otel.traces.exporter", "otlp");
    // The JDK sender speaks OTLP over HTTP only; every OTLP collector accepts it on :4318.
    defaults.put("otel.exporter.otlp.protocol", "http/protobuf");
    defaults.put("otel.metrics.exporter", "none");
    defaults.put("otel.logs.exporter", "none");
    defaults.put("otel.propagators", "tracecontext,baggage");
    defaults.putAll(settings);
    return AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(() -> defaults)
        // Spring (or the caller) owns the lifecycle: close() flushes, a hook would race it.
        .disableShutdownHook()
        .build()
        .getOpenTelemetrySdk();
  }
}
