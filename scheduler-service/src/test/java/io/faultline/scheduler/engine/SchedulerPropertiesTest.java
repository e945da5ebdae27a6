package io.faultline.scheduler.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.io.ClassPathResource;

/** The scheduler's bounds: their defaults, application.yml, and values refused at start. */
class SchedulerPropertiesTest {
  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(SchedulerProperties.class)
  static class Properties {}

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner().withUserConfiguration(Properties.class);

  @Test
  void boundsDefaultToTheDocumentedValuesWhichApplicationYmlSpellsOut() throws IOException {
    SchedulerProperties.Bounds defaults = SchedulerProperties.Bounds.defaults();
    assertThat(defaults)
        .isEqualTo(
            new SchedulerProperties.Bounds(
                Duration.ofMinutes(5),
                100,
                Duration.ofDays(30),
                1000,
                Duration.ofMinutes(10),
                20,
                1000,
                1024,
                Duration.ofDays(8)));
    EnumerablePropertySource<?> yaml =
        (EnumerablePropertySource<?>)
            new YamlPropertySourceLoader()
                .load("application.yml", new ClassPathResource("application.yml"))
                .getFirst();
    String[] bounds =
        Arrays.stream(yaml.getPropertyNames())
            .filter(name -> name.startsWith("faultline.scheduler.bounds."))
            .map(name -> name + "=" + yaml.getProperty(name))
            .toArray(String[]::new);
    assertThat(bounds).hasSize(9);
    runner
        .withPropertyValues(bounds)
        .run(
            context ->
                assertThat(context.getBean(SchedulerProperties.class).bounds())
                    .isEqualTo(defaults));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "min-schedule-interval=0s",
        "max-schedules-per-tenant=0",
        "run-retention=-1d",
        "retained-runs-per-tenant=-5",
        "run-retention-sweep=0ms",
        "sse-connections-per-tenant=0",
        "sse-connections=-1",
        "sse-client-queue=0",
        "abort-retention=0s"
      })
  void refusesToStartWithABoundThatIsNotPositiveNamingIt(String setting) {
    String property = "faultline.scheduler.bounds." + setting.substring(0, setting.indexOf('='));
    runner
        .withPropertyValues("faultline.scheduler.bounds." + setting)
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining(property)
                    .hasMessageContaining("must be positive"));
  }

  @Test
  void refusesAZeroHeartbeat() {
    assertThatThrownBy(
            () ->
                new SchedulerProperties(
                    null,
                    null,
                    null,
                    null,
                    null,
                    false,
                    null,
                    false,
                    null,
                    null,
                    null,
                    null,
                    null,
                    Duration.ZERO,
                    null,
                    null,
                    null))
        .hasMessageContaining("faultline.scheduler.sse-heartbeat");
  }
}
