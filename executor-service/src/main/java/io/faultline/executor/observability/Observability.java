package io.faultline.executor.observability;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import java.util.Objects;

/**
 * The OpenTelemetry SDK and the meter registry an executor reports to.
 *
 * @param openTelemetry spans of every fault ({@code fault.execute} and its phases)
 * @param meters the executor's, Kafka clients' and AWS clients' meters
 */
public record Observability(OpenTelemetry openTelemetry, MeterRegistry meters) {
  /** The instrumentation scope of the executor's spans. */
  public static final String SCOPE = "io.faultline.executor";

  public Observability {
    Objects.requireNonNull(openTelemetry, "openTelemetry");
    Objects.requireNonNull(meters, "meters");
  }

  /** Records nothing (tests and the benchmark that do not look at telemetry). */
  public static Observability none() {
    // A composite without registries hands out no-op meters.
    return new Observability(OpenTelemetry.noop(), new CompositeMeterRegistry());
  }

  public Tracer tracer() {
    return openTelemetry.getTracer(SCOPE);
  }
}
