package io.faultline.executor;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.testsupport.SettingsMetadata;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/**
 * {@code faultline.executor.*} as the service binds it (application.yml, then the value under
 * test): a value outside its rule refuses the start, naming the property and the rule; every
 * documented property has generated metadata with a description.
 */
class ExecutorSettingsTest {
  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(ExecutorSettings.class)
  static class Settings {}

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withInitializer(new ConfigDataApplicationContextInitializer())
          .withUserConfiguration(Settings.class);

  @Test
  void applicationYmlBindsAndValidates() {
    runner.run(
        context -> {
          assertThat(context).hasNotFailed();
          ExecutorSettings settings = context.getBean(ExecutorSettings.class);
          assertThat(settings.aws().sessionDuration()).isEqualTo(Duration.ofHours(1));
          assertThat(settings.precheck().ssmOnline()).isEqualTo("enforce");
        });
  }

  @ParameterizedTest
  @CsvSource({
    "max-in-flight, 0, must be greater than 0",
    "session-timeout, 0s, must be positive",
    "heartbeat-interval, -1s, must be positive",
    "group-id, ' ', must not be blank",
    "precheck.ssm-online, sometimes, must be enforce or skip",
    "run.poll-initial, 0ms, must be positive",
    "run.command-timeout, 0s, must be positive",
    "aws.session-duration, 5m, must be at least 15 minutes (STS)",
    "aws.session-duration, 13h, must be at most 12 hours (STS)",
    "aws.max-attempts, 0, must be greater than 0",
    "aws.breaker-failure-rate, 0, must be greater than 0",
    "aws.breaker-failure-rate, 101, must be less than or equal to 100",
    "aws.ssm-calls-per-second, 0, must be greater than 0",
    "aws.max-connections, -1, must be greater than 0",
  })
  void refusesAValueOutsideItsRuleNamingTheProperty(String property, String value, String rule) {
    runner
        .withPropertyValues("faultline.executor." + property + "=" + value)
        .run(
            context ->
                assertThat(SettingsMetadata.describe(context.getStartupFailure()))
                    .contains(
                        "Property: " + SettingsMetadata.javaName("faultline.executor." + property))
                    .contains("Reason: " + rule));
  }

  @Test
  void everyDocumentedPropertyHasMetadataWithADescription() {
    SettingsMetadata.assertDocumented(
        Path.of("README.md"), "faultline.executor.", SettingsMetadata.fromClasses());
  }
}
