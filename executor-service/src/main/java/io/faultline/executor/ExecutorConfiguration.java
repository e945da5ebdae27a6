package io.faultline.executor;

import io.faultline.executor.aws.AwsAccountConnector;
import io.faultline.executor.aws.AwsSettings;
import io.faultline.executor.control.Halts;
import io.faultline.executor.fault.FaultRegistry;
import io.faultline.executor.kafka.KafkaClients;
import io.faultline.executor.observability.KafkaReadersHealth;
import io.faultline.executor.observability.Observability;
import io.faultline.executor.probe.WatchSettings;
import io.faultline.executor.probe.egress.EgressSettings;
import io.faultline.executor.run.RunSettings;
import io.faultline.telemetry.FaultlineOpenTelemetry;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** Wires the executor from {@link ExecutorSettings}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ExecutorSettings.class)
class ExecutorConfiguration {

  /** The service name every span of this service is recorded under. */
  static final String SERVICE_NAME = "executor-service";

  /**
   * The OpenTelemetry SDK, configured from {@code OTEL_*} environment variables and {@code otel.*}
   * system properties (and {@code otel.*} Spring properties, which they override). Closing it
   * flushes pending spans. A test may provide its own SDK.
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(OpenTelemetry.class)
  OpenTelemetrySdk openTelemetry(Environment environment) {
    Map<String, String> settings = new HashMap<>();
    Binder.get(environment)
        .bind("otel", Bindable.mapOf(String.class, String.class))
        .ifBound(bound -> bound.forEach((key, value) -> settings.put("otel." + key, value)));
    return FaultlineOpenTelemetry.autoConfigured(SERVICE_NAME, settings);
  }

  @Bean(destroyMethod = "close")
  AwsAccountConnector awsAccountConnector(ExecutorSettings settings, MeterRegistry meters) {
    ExecutorSettings.Aws aws = settings.aws();
    return new AwsAccountConnector(
        new AwsSettings(
            aws.endpoint(),
            aws.sessionDuration(),
            aws.refreshBefore(),
            aws.callTimeout(),
            aws.maxAttempts(),
            aws.initialBackoff(),
            aws.maxBackoff(),
            aws.breakerFailureRate(),
            aws.breakerWindow(),
            aws.breakerOpenFor(),
            aws.ssmCallsPerSecond(),
            aws.tenantConcurrentCalls(),
            aws.maxConnections()),
        null,
        meters);
  }

  /**
   * Every Kafka client of the executor, from Spring Boot's {@code spring.kafka.*} settings
   * (bootstrap servers, {@code security.protocol}, {@code ssl.*}, {@code properties.*} such as
   * {@code sasl.mechanism}, and the per-client {@code consumer.*} / {@code producer.*}).
   */
  @Bean
  KafkaClients kafkaClients(KafkaProperties kafka) {
    return new KafkaClients(kafka.buildConsumerProperties(), kafka.buildProducerProperties());
  }

  @Bean
  Observability observability(OpenTelemetry openTelemetry, MeterRegistry meters) {
    return new Observability(openTelemetry, meters);
  }

  /** The {@code kafkaReaders} health indicator, in the readiness group. */
  @Bean
  KafkaReadersHealth kafkaReadersHealthIndicator(Observability observability) {
    return new KafkaReadersHealth(observability.readers());
  }

  @Bean(destroyMethod = "close")
  Executor executor(
      ExecutorSettings settings,
      AwsAccountConnector connector,
      KafkaClients kafka,
      Observability observability,
      EgressSettings egress) {
    RunSettings run =
        new RunSettings(
            precheck(settings.precheck().ssmOnline()),
            settings.run().pollInitial(),
            settings.run().pollMax(),
            settings.run().commandTimeout(),
            settings.run().maxEventTargets(),
            settings.run().claimTimeout(),
            settings.run().maxStarting(),
            settings.run().maxRollingBack());
    // Each start adds a suffix of its own (Executor#id), so a blank id needs no randomness here.
    String id = settings.executorId().isBlank() ? "executor" : settings.executorId();
    return Executor.start(
        new Executor.Config(
            kafka,
            settings.groupId(),
            id,
            settings.sessionTimeout(),
            settings.maxInFlight(),
            run,
            settings.heartbeatInterval(),
            settings.takeoverGrace(),
            new WatchSettings(settings.probes().enabled(), settings.probes().groupId(), egress)),
        connector,
        FaultRegistry.discover(),
        observability);
  }

  /** The halts asked for on this executor's HTTP port ({@code control.HaltController}). */
  @Bean(destroyMethod = "") // the executor closes it
  Halts halts(Executor executor) {
    return executor.halts();
  }

  static RunSettings.Precheck precheck(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "enforce" -> RunSettings.Precheck.ENFORCE;
      case "skip" -> RunSettings.Precheck.SKIP;
      default ->
          throw new IllegalArgumentException(
              "faultline.executor.precheck.ssm-online must be enforce or skip, not " + value);
    };
  }
}
