package io.faultline.scheduler.telemetry;

import io.faultline.telemetry.FaultlineOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenTelemetry SDK of the scheduler-service. Tests replace it with an in-memory one; Spring
 * closes it on shutdown, which flushes the spans still in the batch processor.
 */
@Configuration(proxyBeanMethods = false)
class TelemetryConfig {
  static final String SERVICE_NAME = "scheduler-service";

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  OpenTelemetry openTelemetry() {
    return FaultlineOpenTelemetry.autoConfigured(SERVICE_NAME);
  }
}
