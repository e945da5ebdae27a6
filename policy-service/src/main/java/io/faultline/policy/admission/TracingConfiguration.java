package io.faultline.policy.admission;

import io.faultline.telemetry.FaultlineOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The service's OpenTelemetry SDK, configured from {@code OTEL_*} variables (OTLP by default).
 * Closing it with the context flushes the spans still buffered.
 */
@Configuration(proxyBeanMethods = false)
class TracingConfiguration {

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(OpenTelemetry.class)
  OpenTelemetrySdk openTelemetry() {
    return FaultlineOpenTelemetry.autoConfigured(AdmissionTopology.PRODUCER);
  }
}
