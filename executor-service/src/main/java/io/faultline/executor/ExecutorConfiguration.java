package io.faultline.executor;

import io.faultline.executor.aws.AwsAccountConnector;
import io.faultline.executor.aws.AwsSettings;
import io.faultline.executor.fault.FaultRegistry;
import io.faultline.executor.run.RunSettings;
import java.util.Locale;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the executor from {@link ExecutorSettings}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ExecutorSettings.class)
class ExecutorConfiguration {

  @Bean(destroyMethod = "close")
  AwsAccountConnector awsAccountConnector(ExecutorSettings settings) {
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
        null);
  }

  @Bean(destroyMethod = "close")
  Executor executor(
      ExecutorSettings settings,
      AwsAccountConnector connector,
      @Value("${spring.kafka.bootstrap-servers}") String bootstrapServers) {
    RunSettings run =
        new RunSettings(
            precheck(settings.precheck().ssmOnline()),
            settings.run().pollInitial(),
            settings.run().pollMax(),
            settings.run().commandTimeout());
    String id =
        settings.executorId().isBlank()
            ? UUID.randomUUID().toString().substring(0, 8)
            : settings.executorId();
    return Executor.start(
        new Executor.Config(
            bootstrapServers,
            settings.groupId(),
            id,
            settings.sessionTimeout(),
            settings.maxInFlight(),
            run),
        connector,
        FaultRegistry.discover());
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
