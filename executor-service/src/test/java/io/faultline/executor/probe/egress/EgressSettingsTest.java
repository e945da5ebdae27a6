package io.faultline.executor.probe.egress;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.testsupport.SettingsMetadata;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code faultline.executor.probes.allowed-hosts} as the service binds it from application.yml. */
class EgressSettingsTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withInitializer(new ConfigDataApplicationContextInitializer())
          .withUserConfiguration(EgressConfiguration.class);

  @Test
  void allowsNothingByDefault() {
    runner.run(
        context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(EgressSettings.class).allowedHosts()).isEmpty();
        });
  }

  @Test
  void bindsAList() {
    runner
        .withPropertyValues(
            "faultline.executor.probes.allowed-hosts=prometheus.internal,*.svc.cluster.local,10.0.0.0/16")
        .run(
            context ->
                assertThat(context.getBean(EgressSettings.class).allowedHosts())
                    .containsExactly("prometheus.internal", "*.svc.cluster.local", "10.0.0.0/16"));
  }

  @Test
  void refusesTheStartNamingTheEntryAndTheRule() {
    runner
        .withPropertyValues(
            "faultline.executor.probes.allowed-hosts=10.0.0.0/8,https://api.internal/")
        .run(
            context ->
                assertThat(SettingsMetadata.describe(context.getStartupFailure()))
                    .contains(
                        "faultline.executor.probes.allowed-hosts[1]: 'https://api.internal/' must be a host"
                            + " name, '*.' and a domain, an IP address or a CIDR network"));
  }

  @Test
  void refusesTheStartWhenTheFormerNameIsSetNamingTheNewOne() {
    runner
        .withPropertyValues("faultline.probes.allowed-hosts=prometheus.internal")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining(
                        "faultline.probes.allowed-hosts is no longer read: set"
                            + " faultline.executor.probes.allowed-hosts (environment"
                            + " FAULTLINE_EXECUTOR_PROBES_ALLOWEDHOSTS) instead"));
  }

  @Test
  void theSettingIsDocumentedWithMetadata() {
    SettingsMetadata.assertDocumented(
        Path.of("README.md"),
        "faultline.executor.probes.allowed-hosts",
        SettingsMetadata.fromClasses());
  }
}
