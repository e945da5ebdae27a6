package io.faultline.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.scheduler.engine.SchedulerProperties;
import io.faultline.scheduler.security.SecurityProperties;
import io.faultline.scheduler.subscriptions.SubscriptionProperties;
import io.faultline.testsupport.SettingsMetadata;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/**
 * The scheduler's settings ({@code faultline.scheduler.*}, {@code faultline.security.*}, {@code
 * faultline.subscriptions.*}) as the service binds them (application.yml, then the value under
 * test): a value outside its rule refuses the start, naming the property and the rule; every
 * documented property has generated metadata with a description. The bounds' own checks are in
 * {@code SchedulerPropertiesTest}.
 */
class SettingsValidationTest {
  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties({
    SchedulerProperties.class,
    SecurityProperties.class,
    SubscriptionProperties.class
  })
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
          assertThat(context.getBean(SubscriptionProperties.class).replicationFactor())
              .isEqualTo((short) -1);
        });
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = ';',
      value = {
        "faultline.scheduler.application-id; ' '; must not be blank",
        "faultline.scheduler.commands-topic; ' '; must not be blank",
        "faultline.scheduler.tick; 0s; must be positive",
        "faultline.scheduler.apply-timeout; -1s; must be positive",
        "faultline.scheduler.hub-role-arn; faultline-hub; must be an IAM role ARN",
        "faultline.security.tenant-claim; ' '; must not be blank",
        "faultline.security.dev-tokens.ttl; 0s; must be positive",
      })
  void refusesAValueOutsideItsRuleNamingTheProperty(String property, String value, String rule) {
    runner
        .withPropertyValues(property + "=" + value)
        .run(
            context ->
                assertThat(SettingsMetadata.describe(context.getStartupFailure()))
                    .contains("Property: " + SettingsMetadata.javaName(property))
                    .contains("Reason: " + rule));
  }

  @ParameterizedTest
  @CsvSource({"0", "-2"})
  void refusesASubscriptionReplicationFactorThatIsNeitherTheBrokersDefaultNorPositive(
      String value) {
    runner
        .withPropertyValues("faultline.subscriptions.replication-factor=" + value)
        .run(
            context ->
                assertThat(SettingsMetadata.describe(context.getStartupFailure()))
                    .contains(
                        "faultline.subscriptions.replication-factor must be -1 (the broker's"
                            + " default) or at least 1 (was "
                            + value
                            + ")"));
  }

  @Test
  void everyDocumentedPropertyHasMetadataWithADescription() {
    SettingsMetadata.assertDocumented(
        Path.of("README.md"), "faultline.", SettingsMetadata.fromClasses());
  }
}
