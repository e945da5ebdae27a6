package io.faultline.deploy;

import static io.faultline.deploy.HelmChartTest.containerPort;
import static io.faultline.deploy.Rendered.container;
import static io.faultline.deploy.Rendered.env;
import static io.faultline.deploy.Rendered.get;
import static io.faultline.deploy.Rendered.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No image is built here (no registry, no Docker engine), so what each image will declare is read
 * from its pom's Jib configuration and held equal to what the chart runs: ports, the environment
 * that places the ports, the user, the entrypoint (JVM flags, main class) and the health endpoints
 * the probes ask for.
 */
class ImagesMatchChartTest {
  private static final Rendered CHART = Rendered.with("minimal");
  private static final Rendered ALL = Rendered.with("all-options");

  @ParameterizedTest
  @ValueSource(strings = {"policy-service", "executor-service", "scheduler-service"})
  void theChartRunsWhatTheImageDeclares(String service) {
    JibImage image = JibImage.of(service);
    Map<String, Object> deployment = CHART.of("Deployment", service);
    Map<String, Object> container = container(deployment);
    int api = containerPort(container, "http");
    int management = containerPort(container, "management");

    assertThat(image.ports()).containsExactly(api, management);
    assertThat(image.environment())
        .containsEntry("SERVER_PORT", String.valueOf(api))
        .containsEntry("MANAGEMENT_SERVER_PORT", String.valueOf(management));
    assertThat(env(container))
        .containsEntry("SERVER_PORT", image.environment().get("SERVER_PORT"))
        .containsEntry("MANAGEMENT_SERVER_PORT", image.environment().get("MANAGEMENT_SERVER_PORT"));

    assertThat(get(deployment, "spec.template.spec.securityContext.runAsUser"))
        .isEqualTo(image.uid());
    assertThat(get(deployment, "spec.template.spec.securityContext.runAsGroup"))
        .isEqualTo(image.gid());
    assertThat(image.uid()).isNotZero();

    // The chart keeps the image's entrypoint, so these flags are the ones that run.
    assertThat(container).doesNotContainKeys("command", "args");
    assertThat(image.jvmFlags()).contains("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError");
    assertThat(get(container, "resources.limits.memory"))
        .as("MaxRAMPercentage needs a limit")
        .isNotNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"policy-service", "executor-service", "scheduler-service"})
  void theImageStartsTheServiceOnItsOwnDefaults(String service) throws Exception {
    JibImage image = JibImage.of(service);
    String mainClass = image.mainClass();
    String source =
        Files.readString(
            Repository.path(service + "/src/main/java/" + mainClass.replace('.', '/') + ".java"));
    assertThat(source).contains("@SpringBootApplication", "SpringApplication.run(");

    // server.port's default in the service is the image's API port: the image runs alone too.
    String applicationYml = Repository.read(service + "/src/main/resources/application.yml");
    // The first document: the defaults (the executor adds a `local` profile document).
    Map<String, Object> config = yaml(applicationYml.split("\n---\n")[0]);
    assertThat((String) get(config, "server.port"))
        .isEqualTo("${PORT:" + image.environment().get("SERVER_PORT") + "}");
    // The probes' endpoints exist: Kubernetes health groups on, readiness a group of its own.
    assertThat(get(config, "management.endpoint.health.probes.enabled")).isEqualTo(true);
    assertThat((String) get(config, "management.endpoint.health.group.readiness.include"))
        .startsWith("readinessState,");
    assertThat((String) get(config, "management.endpoints.web.exposure.include"))
        .contains("health", "prometheus");
  }

  @ParameterizedTest
  @ValueSource(strings = {"policy-service", "executor-service", "scheduler-service"})
  void imagesAreNamedAndTaggedAsTheChartPullsThem(String service) {
    JibImage image = JibImage.of(service);
    String version = System.getProperty("faultline.version");

    // Jib pushes <repository>/<artifactId>:<project version>; the chart pulls
    // <image.repository>/<name>:<appVersion>.
    assertThat(image.image()).isEqualTo("faultline/" + service + ":" + version);
    assertThat((String) get(container(CHART.of("Deployment", service)), "image"))
        .isEqualTo(image.image());
    assertThat(yaml(Repository.read("deploy/helm/faultline/Chart.yaml")).get("appVersion"))
        .isEqualTo(version);
    assertThat((String) get(container(ALL.of("Deployment", service)), "image"))
        .startsWith("123456789012.dkr.ecr.eu-west-1.amazonaws.com/faultline/" + service);

    assertThat(image.labels())
        .containsEntry("org.opencontainers.image.version", version)
        .containsEntry("org.opencontainers.image.title", service)
        .containsKeys("org.opencontainers.image.source", "org.opencontainers.image.revision");
    // Pinned by a full version tag, never a moving one.
    assertThat(image.baseImage()).matches("eclipse-temurin:\\d+\\.\\d+\\.\\d+_\\d+-jre(-\\w+)?");
  }
}
