package io.faultline.policy.admission;

import static org.assertj.core.api.Assertions.assertThat;

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
 * {@code faultline.policy.*} as the service binds it (application.yml, then the value under test):
 * a value outside its rule refuses the start, naming the property and the rule; every documented
 * property has generated metadata with a description.
 */
class PolicyServicePropertiesTest {
  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(PolicyServiceProperties.class)
  static class Properties {}

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withInitializer(new ConfigDataApplicationContextInitializer())
          .withUserConfiguration(Properties.class);

  @Test
  void applicationYmlBindsAndValidates() {
    runner.run(
        context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(PolicyServiceProperties.class).replicationFactor())
              .isEqualTo(3);
        });
  }

  @ParameterizedTest
  @CsvSource({
    "replication-factor, 0, must be greater than 0",
    "replication-factor, -1, must be greater than 0",
    "stream-threads, 0, must be greater than 0",
    "platform-max-active-faults, 0, must be greater than 0",
    "application-id, ' ', must not be blank",
    "lease-grace, 0s, must be positive",
    "signatures.max-age, -5m, must be positive",
    "intake-commit-interval, 0ms, must be at least 1ms",
    "admission-commit-interval, 0ms, must be at least 1ms",
  })
  void refusesAValueOutsideItsRuleNamingTheProperty(String property, String value, String rule) {
    runner
        .withPropertyValues("faultline.policy." + property + "=" + value)
        .run(
            context ->
                assertThat(SettingsMetadata.describe(context.getStartupFailure()))
                    .contains(
                        "Property: " + SettingsMetadata.javaName("faultline.policy." + property))
                    .contains("Reason: " + rule));
  }

  @Test
  void everyDocumentedPropertyHasMetadataWithADescription() {
    SettingsMetadata.assertDocumented(
        Path.of("README.md"), "faultline.policy.", SettingsMetadata.fromClasses());
  }
}
