package io.faultline.executor.observability;

import io.faultline.telemetry.kafka.ConsumerLiveness;
import io.faultline.telemetry.kafka.PoisonRecords;
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
 * @param poison counts and logs records the executor's readers skipped as unreadable
 * @param readers which of the executor's Kafka readers run (readiness and a gauge)
 */
public record Observability(
    OpenTelemetry openTelemetry,
    MeterRegistry meters,
    PoisonRecords poison,
    ConsumerLiveness readers) {
  /** The instrumentation scope of the executor's spans. */
  public static final String SCOPE = "io.faultline.executor";

  /** The service name in the poison-record and consumer-liveness meters. */
  public static final String SERVICE = "executor-service";

  public Observability {
    Objects.requireNonNull(openTelemetry, "openTelemetry");
    Objects.requireNonNull(meters, "meters");
    Objects.requireNonNull(poison, "poison");
    Objects.requireNonNull(readers, "readers");
  }

  public Observability(OpenTelemetry openTelemetry, MeterRegistry meters) {
    this(
        openTelemetry,
        meters,
        new PoisonRecords(SERVICE, meters),
        new ConsumerLiveness(SERVICE, meters));
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
