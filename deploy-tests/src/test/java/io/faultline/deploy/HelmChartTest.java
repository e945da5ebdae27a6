package io.faultline.deploy;

import static io.faultline.deploy.Rendered.SERVICES;
import static io.faultline.deploy.Rendered.container;
import static io.faultline.deploy.Rendered.env;
import static io.faultline.deploy.Rendered.envVar;
import static io.faultline.deploy.Rendered.get;
import static io.faultline.deploy.Rendered.list;
import static io.faultline.deploy.Rendered.map;
import static io.faultline.deploy.Rendered.mountPath;
import static io.faultline.deploy.Rendered.volume;
import static io.faultline.deploy.Rendered.yaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The chart as Helm lints and renders it with the least it needs ({@code ci/minimal-values.yaml},
 * "the defaults"), with every option on ({@code ci/all-options-values.yaml}) and with a Secret the
 * chart makes ({@code ci/chart-made-secret-values.yaml}).
 */
class HelmChartTest {
  static final List<String> VALUES = List.of("minimal", "all-options", "chart-made-secret");

  private static final Rendered MINIMAL = Rendered.with("minimal");
  private static final Rendered ALL = Rendered.with("all-options");
  private static final Rendered MADE_SECRET = Rendered.with("chart-made-secret");

  static Stream<Rendered> renderings() {
    return Stream.of(MINIMAL, ALL, MADE_SECRET);
  }

  @ParameterizedTest
  @ValueSource(strings = {"minimal", "all-options", "chart-made-secret"})
  void lintsWithoutWarnings(String values) {
    // helm-java's lint takes no values file: lint a copy whose values.yaml holds them.
    LintResult lint = new Helm(LintCopy.of(values)).lint().strict().call();

    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    assertThat(lint.getMessages()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
  }

  @Test
  void lintsTheBareChartAsAUserWould() {
    // `helm lint deploy/helm/faultline`: Helm's lint mode reports the chart's refusals (no Kafka
    // Secret, no identity provider) without failing; `helm template`/`install` fail on them.
    LintResult lint = new Helm(Repository.CHART).lint().strict().call();

    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
  }

  @Test
  void refusesToRenderWithoutKafkaOrIdentityProvider() {
    assertThatThrownBy(() -> new Helm(Repository.CHART).template().call())
        .hasMessageContaining("kafka.secret.name is required");
    assertThatThrownBy(
            () -> new Helm(Repository.CHART).template().set("kafka.secret.name", "k").call())
        .hasMessageContaining("scheduler.auth.issuerUri or scheduler.auth.jwkSetUri is required");
  }

  @Test
  void refusesMisspeltValues() {
    // values.schema.json: a setting Helm would otherwise ignore silently.
    assertThatThrownBy(() -> Rendered.with(t -> t.set("policy.replica", "3"), "minimal"))
        .hasMessageContaining("Additional property replica is not allowed");
    assertThatThrownBy(
            () ->
                Rendered.with(
                    t -> t.set("executor.serviceAccount.roleArn", "faultline-hub"), "minimal"))
        .hasMessageContaining("roleArn");
  }

  @ParameterizedTest
  @MethodSource("renderings")
  void rendersOneDeploymentPerServiceWithTheImageEntrypoint(Rendered chart) {
    assertThat(chart.kind("Deployment"))
        .extracting(d -> get(d, "metadata.name"))
        .containsExactly(
            "faultline-policy-service",
            "faultline-executor-service",
            "faultline-scheduler-service");
    for (String service : SERVICES) {
      Map<String, Object> container = container(chart.of("Deployment", service));
      assertThat(container.get("name")).isEqualTo(service);
      assertThat(container).doesNotContainKeys("command", "args");
      assertThat((String) container.get("image")).contains("/" + service);
    }
  }

  @ParameterizedTest
  @MethodSource("renderings")
  void everyDeploymentRunsNonRootOnAReadOnlyRootWithWritableTmp(Rendered chart) {
    for (Map<String, Object> deployment : chart.kind("Deployment")) {
      Map<String, Object> pod = map(deployment, "spec.template.spec");
      Map<String, Object> container = container(deployment);
      assertThat(get(pod, "securityContext.runAsNonRoot")).isEqualTo(true);
      assertThat((Integer) get(pod, "securityContext.runAsUser")).isPositive();
      assertThat(get(pod, "automountServiceAccountToken")).isEqualTo(false);
      assertThat(get(container, "securityContext.readOnlyRootFilesystem")).isEqualTo(true);
      assertThat(get(container, "securityContext.allowPrivilegeEscalation")).isEqualTo(false);
      assertThat(get(container, "securityContext.capabilities.drop")).isEqualTo(List.of("ALL"));
      assertThat(mountPath(container, "tmp")).isEqualTo("/tmp");
      assertThat(volume(deployment, "tmp")).containsKey("emptyDir");
    }
  }

  @ParameterizedTest
  @MethodSource("renderings")
  void probesAskTheManagementPortForLivenessAndReadiness(Rendered chart) {
    for (Map<String, Object> deployment : chart.kind("Deployment")) {
      Map<String, Object> container = container(deployment);
      int management = containerPort(container, "management");
      assertThat(env(container))
          .containsEntry("MANAGEMENT_SERVER_PORT", String.valueOf(management))
          .containsEntry("SERVER_PORT", String.valueOf(containerPort(container, "http")));
      assertThat(management).isNotEqualTo(containerPort(container, "http"));
      assertThat(get(container, "livenessProbe.httpGet"))
          .isEqualTo(Map.of("path", "/actuator/health/liveness", "port", "management"));
      assertThat(get(container, "startupProbe.httpGet"))
          .isEqualTo(Map.of("path", "/actuator/health/liveness", "port", "management"));
      assertThat(get(container, "readinessProbe.httpGet"))
          .isEqualTo(Map.of("path", "/actuator/health/readiness", "port", "management"));
    }
  }

  @ParameterizedTest
  @MethodSource("renderings")
  void everyContainerHasRequestsAndAMemoryLimit(Rendered chart) {
    for (Map<String, Object> deployment : chart.kind("Deployment")) {
      Map<String, Object> resources = map(container(deployment), "resources");
      assertThat(get(resources, "requests.cpu")).isNotNull();
      assertThat(get(resources, "requests.memory")).isNotNull();
      // -XX:MaxRAMPercentage=75 sizes the heap from it.
      assertThat(get(resources, "limits.memory")).isNotNull();
    }
  }

  @Test
  void everyServiceHasADisruptionBudgetAndSpreadsOverZonesAndNodes() {
    for (Rendered chart : List.of(MINIMAL, ALL)) {
      for (String service : SERVICES) {
        Map<String, Object> deployment = chart.of("Deployment", service);
        Map<String, Object> podLabels = map(deployment, "spec.template.metadata.labels");
        Map<String, Object> selector = map(deployment, "spec.selector.matchLabels");
        assertThat(podLabels).containsAllEntriesOf(selector);

        Map<String, Object> pdb = chart.of("PodDisruptionBudget", service);
        assertThat(get(pdb, "spec.selector.matchLabels")).isEqualTo(selector);
        assertThat(map(pdb, "spec"))
            .containsAnyOf(Map.entry("maxUnavailable", 1), Map.entry("minAvailable", 2));

        List<Map<String, Object>> spread =
            list(deployment, "spec.template.spec.topologySpreadConstraints");
        assertThat(spread)
            .extracting(c -> c.get("topologyKey"))
            .containsExactly("topology.kubernetes.io/zone", "kubernetes.io/hostname");
        assertThat(spread)
            .allSatisfy(c -> assertThat(get(c, "labelSelector.matchLabels")).isEqualTo(selector));
      }
    }
    assertThat(MADE_SECRET.kind("PodDisruptionBudget")).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("renderings")
  void everyServiceReadsItsKafkaSettingsFromTheSecret(Rendered chart) {
    String secret = "faultline-kafka";
    for (String service : SERVICES) {
      Map<String, Object> deployment = chart.of("Deployment", service);
      Map<String, Object> container = container(deployment);
      Map<String, Object> kafka = volume(deployment, "kafka");
      assertThat(get(kafka, "secret.secretName")).isEqualTo(secret);
      assertThat(list(kafka, "secret.items"))
          .extracting(i -> i.get("path"))
          .containsExactly("kafka.yml");
      String file = mountPath(container, "kafka") + "/kafka.yml";
      String config = mountPath(container, "config") + "/application.yml";
      // The Kafka file last: it wins over the chart's settings.
      assertThat(env(container).get("SPRING_CONFIG_ADDITIONAL_LOCATION"))
          .isEqualTo("file:" + config + ",file:" + file);
    }
    if (chart == MADE_SECRET) {
      Map<String, Object> made = chart.named("Secret", "faultline-kafka");
      assertThat(yaml((String) map(made, "stringData").get("kafka.yml")))
          .extracting(y -> get(y, "spring.kafka.properties"))
          .extracting(p -> map(p).get("sasl.mechanism"))
          .isEqualTo("AWS_MSK_IAM");
    } else {
      assertThat(chart.kind("Secret")).as("an existing Secret is only referenced").isEmpty();
    }
  }

  @Test
  void perServiceKafkaCredentialsComeFromTheirOwnSecrets() {
    for (String service : SERVICES) {
      String principal = "faultline-" + service.replace("-service", "");
      Map<String, Object> deployment = ALL.of("Deployment", service);
      assertThat(list(volume(deployment, "kafka"), "secret.items"))
          .extracting(i -> i.get("key"))
          .containsExactly(service.replace("-service", "") + ".yml");
      assertThat(envVar(container(deployment), "SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG"))
          .get()
          .extracting(v -> get(v, "valueFrom.secretKeyRef"))
          .isEqualTo(Map.of("name", principal, "key", "sasl.jaas.config"));
      assertThat(envVar(container(deployment), "KAFKA_TRUSTSTORE_PASSWORD")).isPresent();
      assertThat(mountPath(container(deployment), "kafka-truststore"))
          .isEqualTo("/etc/faultline/kafka-truststore");
    }
  }

  @Test
  void stateDirectoriesLieOnWritableVolumes() {
    // The property names as the services define them.
    assertThat(Repository.read("policy-service/src/main/resources/application.yml"))
        .contains("    state-dir: ${STATE_DIR:");
    assertThat(Repository.read("scheduler-service/src/main/resources/application.yml"))
        .contains("    state-dir: ${FAULTLINE_STATE_DIR:");
    for (Rendered chart : List.of(MINIMAL, ALL)) {
      assertStateDir(chart, "policy-service", "faultline.policy.state-dir");
      assertStateDir(chart, "scheduler-service", "faultline.scheduler.state-dir");
    }
  }

  private static void assertStateDir(Rendered chart, String service, String property) {
    Map<String, Object> deployment = chart.of("Deployment", service);
    Object dir = get(applicationConfig(chart, service), property);
    assertThat(dir).isEqualTo(mountPath(container(deployment), "state"));
    assertThat(volume(deployment, "state")).containsKey("emptyDir");
  }

  @Test
  void theExecutorsServiceAccountCarriesTheIrsaRoleWhenGiven() {
    Map<String, Object> account = ALL.named("ServiceAccount", "faultline-executor-service");
    assertThat(get(account, "metadata.annotations"))
        .isEqualTo(
            Map.of(
                "eks.amazonaws.com/role-arn", "arn:aws:iam::123456789012:role/faultline-hub",
                "eks.amazonaws.com/sts-regional-endpoints", "true"));
    assertThat(
            get(ALL.of("Deployment", "executor-service"), "spec.template.spec.serviceAccountName"))
        .isEqualTo("faultline-executor-service");
    assertThat(
            get(
                MINIMAL.named("ServiceAccount", "faultline-executor-service"),
                "metadata.annotations"))
        .isNull();
    // The tenants' trust policies name the hub role: the scheduler defaults to the executor's.
    assertThat(get(applicationConfig(ALL, "scheduler-service"), "faultline.scheduler.hub-role-arn"))
        .isEqualTo("arn:aws:iam::123456789012:role/faultline-hub");
  }

  @Test
  void theSchedulerTrustsTheIdentityProviderForItsAudience() {
    Map<String, Object> minimal = applicationConfig(MINIMAL, "scheduler-service");
    assertThat(get(minimal, "spring.security.oauth2.resourceserver.jwt"))
        .isEqualTo(Map.of("issuer-uri", "https://idp.example.com/realms/faultline"));
    assertThat(get(minimal, "faultline.security.audience")).isEqualTo("faultline");
    Map<String, Object> all = applicationConfig(ALL, "scheduler-service");
    assertThat(get(all, "faultline.security"))
        .isEqualTo(
            Map.of("audience", "faultline-api", "tenant-claim", "org", "roles-claim", "groups"));
    assertThat(
            get(
                applicationConfig(MADE_SECRET, "scheduler-service"),
                "spring.security.oauth2.resourceserver.jwt"))
        .isEqualTo(Map.of("jwk-set-uri", "https://idp.example.com/.well-known/jwks.json"));
    // Other instances forward reads to the pod's own address.
    assertThat(
            envVar(
                container(ALL.of("Deployment", "scheduler-service")), "FAULTLINE_ADVERTISED_HOST"))
        .get()
        .extracting(v -> get(v, "valueFrom.fieldRef.fieldPath"))
        .isEqualTo("status.podIP");
  }

  @ParameterizedTest
  @MethodSource("renderings")
  void developmentTokensAreNeverOn(Rendered chart) {
    // The one mention: the chart pins them off on the scheduler.
    assertThat(env(container(chart.of("Deployment", "scheduler-service"))))
        .containsEntry("FAULTLINE_SECURITY_DEVTOKENS_ENABLED", "false");
    String text =
        chart
            .text()
            .replace(
                "- name: FAULTLINE_SECURITY_DEVTOKENS_ENABLED\n              value: \"false\"", "");
    assertThat(text.toLowerCase())
        .doesNotContain(
            "dev-tokens", "devtokens", "dev_tokens", "faultline_dev_secret", "/dev/tokens")
        .doesNotContain("spring_profiles_active", "profiles.active", "profiles:");
  }

  @Test
  void refusesValuesThatWouldTurnDevelopmentTokensOn() {
    assertThatThrownBy(
            () ->
                Rendered.with(
                    t -> t.set("scheduler.config.faultline.security.dev-tokens.enabled", "true"),
                    "minimal"))
        .hasMessageContaining("development tokens");
    assertThatThrownBy(
            () ->
                Rendered.with(
                    t ->
                        t.set("scheduler.extraEnv[0].name", "FAULTLINE_DEV_SECRET")
                            .set("scheduler.extraEnv[0].value", "x".repeat(40)),
                    "minimal"))
        .hasMessageContaining("development tokens");
    assertThatThrownBy(
            () ->
                Rendered.with(
                    t ->
                        t.set("scheduler.extraEnv[0].name", "SPRING_PROFILES_ACTIVE")
                            .set("scheduler.extraEnv[0].value", "local"),
                    "minimal"))
        .hasMessageContaining("`local` Spring profile");
  }

  @Test
  void theUpgradesStartHaltedSettingReachesThePolicyService() {
    // The README's drain from one admission partition deploys the policy service with it.
    Rendered chart =
        Rendered.with(t -> t.set("policy.config.faultline.policy.start-halted", "true"), "minimal");
    assertThat(map(applicationConfig(chart, "policy-service"), "faultline.policy"))
        .containsEntry("start-halted", true);
  }

  @Test
  void theSchedulerSignsWithTheSecretsKeyAndThePolicyTrustsItsPublicHalf() {
    Map<String, Object> scheduler = ALL.of("Deployment", "scheduler-service");
    Map<String, Object> signing =
        map(applicationConfig(ALL, "scheduler-service"), "faultline.scheduler.signing");
    assertThat(signing)
        .containsEntry("key-id", "scheduler-2026")
        .containsEntry(
            "private-key-file",
            mountPath(container(scheduler), "signing-key") + "/private-key.pem");
    assertThat(get(volume(scheduler, "signing-key"), "secret"))
        .isEqualTo(
            Map.of(
                "secretName",
                "faultline-signing",
                "defaultMode",
                0440,
                "items",
                List.of(Map.of("key", "private-key.pem", "path", "private-key.pem"))));

    Map<String, Object> policy = ALL.of("Deployment", "policy-service");
    String keys = mountPath(container(policy), "platform-keys");
    assertThat(
            get(
                applicationConfig(ALL, "policy-service"),
                "faultline.policy.signatures.platform-keys"))
        .isEqualTo(
            Map.of(
                "scheduler-2026",
                keys + "/scheduler-2026.pem",
                "scheduler-2025",
                keys + "/scheduler-2025.pem"));
    Map<String, Object> configMap = ALL.named("ConfigMap", "faultline-platform-keys");
    assertThat(get(volume(policy, "platform-keys"), "configMap.name"))
        .isEqualTo("faultline-platform-keys");
    assertThat(map(configMap, "data")).containsOnlyKeys("scheduler-2026.pem", "scheduler-2025.pem");
    assertThat((String) map(configMap, "data").get("scheduler-2026.pem"))
        .startsWith("-----BEGIN PUBLIC KEY-----\n");

    // Without a signing key nothing of it is rendered.
    assertThat(get(applicationConfig(MINIMAL, "scheduler-service"), "faultline.scheduler.signing"))
        .isNull();
    assertThat(get(applicationConfig(MINIMAL, "policy-service"), "faultline.policy.signatures"))
        .isNull();
    assertThat(MINIMAL.find("ConfigMap", "faultline-platform-keys")).isEmpty();
  }

  @Test
  void refusesASigningKeyThePolicyServiceWouldNotTrust() {
    assertThatThrownBy(
            () ->
                Rendered.with(
                    t -> t.set("signing.privateKeySecret.name", "faultline-signing"), "minimal"))
        .hasMessageContaining("signing.publicKeys must hold the scheduler's key \"scheduler\"");
  }

  @Test
  void optionalResourcesAreOffByDefault() {
    for (String kind :
        List.of("ServiceMonitor", "PrometheusRule", "KafkaTopic", "KafkaUser", "Secret")) {
      assertThat(MINIMAL.kind(kind)).as(kind).isEmpty();
    }
  }

  @Test
  void serviceMonitorsScrapeTheManagementPortAsTheDashboardsJobs() {
    // deploy/prometheus/prometheus.yml's jobs are what the Grafana dashboard groups by.
    Map<String, Object> prometheus = yaml(Repository.read("deploy/prometheus/prometheus.yml"));
    List<Object> jobs =
        list(prometheus, "scrape_configs").stream().map(j -> j.get("job_name")).toList();
    assertThat(jobs).containsExactlyElementsOf(SERVICES);

    for (String service : SERVICES) {
      Map<String, Object> monitor = ALL.of("ServiceMonitor", service);
      assertThat(get(monitor, "metadata.labels.release")).isEqualTo("kube-prometheus-stack");
      String jobLabel = (String) get(monitor, "spec.jobLabel");
      Map<String, Object> svc = ALL.of("Service", service);
      assertThat(get(svc, "metadata.labels"))
          .extracting(l -> map(l).get(jobLabel))
          .isEqualTo(service);
      assertThat(get(monitor, "spec.selector.matchLabels")).isEqualTo(get(svc, "spec.selector"));
      assertThat(list(monitor, "spec.endpoints"))
          .singleElement()
          .satisfies(
              e ->
                  assertThat(e)
                      .containsEntry("port", "management")
                      .containsEntry("path", "/actuator/prometheus"));
      assertThat(list(svc, "spec.ports"))
          .anySatisfy(p -> assertThat(p).containsEntry("name", "management"));
    }
    // Only the scheduler serves an API.
    assertThat(list(ALL.of("Service", "scheduler-service"), "spec.ports"))
        .extracting(p -> p.get("name"))
        .containsExactly("http", "management");
    assertThat(list(ALL.of("Service", "policy-service"), "spec.ports"))
        .extracting(p -> p.get("name"))
        .containsExactly("management");
  }

  @Test
  void tracesGoToTheCollectorWhenOneIsGiven() {
    Map<String, String> all = env(container(ALL.of("Deployment", "executor-service")));
    assertThat(all)
        .containsEntry("OTEL_SERVICE_NAME", "executor-service")
        .containsEntry("OTEL_TRACES_EXPORTER", "otlp")
        .containsEntry("OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel-collector.observability:4318");
    assertThat(env(container(MINIMAL.of("Deployment", "executor-service"))))
        .containsEntry("OTEL_TRACES_EXPORTER", "none")
        .doesNotContainKey("OTEL_EXPORTER_OTLP_ENDPOINT");
  }

  static int containerPort(Map<String, Object> container, String name) {
    return list(container, "ports").stream()
        .filter(p -> name.equals(p.get("name")))
        .map(p -> (Integer) p.get("containerPort"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no port " + name));
  }

  /** The application.yml the chart gives a service (its ConfigMap), parsed. */
  static Map<String, Object> applicationConfig(Rendered chart, String service) {
    Map<String, Object> configMap = chart.of("ConfigMap", service);
    assertThat(get(volume(chart.of("Deployment", service), "config"), "configMap.name"))
        .isEqualTo(get(configMap, "metadata.name"));
    return yaml((String) map(configMap, "data").get("application.yml"));
  }
}
