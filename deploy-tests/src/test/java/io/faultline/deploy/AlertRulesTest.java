package io.faultline.deploy;

import static io.faultline.deploy.Rendered.get;
import static io.faultline.deploy.Rendered.list;
import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.telemetry.kafka.ConsumerLiveness;
import io.faultline.telemetry.kafka.PoisonRecords;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The PrometheusRule: its four alerts name the meters the services really register, and Prometheus'
 * own {@code promtool} checks them and evaluates them against made-up series ({@code
 * alerts/alerts-test.yml}). promtool comes with Debian's {@code prometheus} package ({@code
 * .ci/run} installs it).
 */
class AlertRulesTest {
  private static final Rendered CHART =
      Rendered.with(t -> t.set("metrics.prometheusRule.enabled", "true"), "minimal");

  @Test
  void holdsTheFourAlerts() {
    assertThat(alerts().keySet())
        .containsExactly(
            "FaultlineRollbackFailed",
            "FaultlineConsumerLag",
            "FaultlinePoisonRecords",
            "FaultlineConsumerStopped");
  }

  @Test
  void alertsNameTheMetricsTheServicesExport() throws IOException {
    Map<String, String> alerts = alerts();
    // Micrometer's Prometheus names: dots become underscores, counters end in _total.
    assertThat(alerts.get("FaultlinePoisonRecords"))
        .contains(prometheusName(PoisonRecords.METRIC) + "_total{");
    assertThat(alerts.get("FaultlineConsumerStopped"))
        .contains(prometheusName(ConsumerLiveness.METRIC) + "{");

    // The executor's meter (a service: read from its source, not depended on).
    String executorMetrics =
        Repository.read(
            "executor-service/src/main/java/io/faultline/executor/observability/ExecutorMetrics.java");
    Matcher finished = Pattern.compile("FAULTS_FINISHED = \"([^\"]+)\"").matcher(executorMetrics);
    assertThat(finished.find()).isTrue();
    assertThat(executorMetrics).contains(".tag(\"stage\", ", ".tag(\"reason\", ");
    assertThat(alerts.get("FaultlineRollbackFailed"))
        .contains(prometheusName(finished.group(1)) + "_total{")
        .contains("stage=\"FAILED\"", "reason=\"ROLLBACK\"");
    assertThat(
            Repository.read(
                "events-schema/src/main/java/io/faultline/events/lifecycle/FailureReason.java"))
        .contains("  ROLLBACK,");

    // Kafka's client metric, bound by every service (each README says so).
    assertThat(alerts.get("FaultlineConsumerLag"))
        .contains("kafka_consumer_fetch_manager_records_lag_max{");
    for (String service : Rendered.SERVICES) {
      assertThat(Repository.read(service + "/README.md"))
          .as(service)
          .contains("kafka_consumer_fetch_manager_records_lag_max");
    }
  }

  @Test
  void alertsOnlyWatchThisReleasesServices() {
    for (String expr : alerts().values()) {
      assertThat(expr)
          .contains("namespace=\"" + Rendered.NAMESPACE + "\"")
          .contains("job=~\"policy-service|executor-service|scheduler-service\"");
    }
  }

  @Test
  void promtoolAcceptsTheRulesAndTheyFireAsIntended() throws Exception {
    Path dir = Files.createDirectories(Repository.BUILD.resolve("alerts"));
    Map<String, Object> spec = CHART.named("PrometheusRule", "faultline");
    Path rules = dir.resolve("rules.yml");
    write(rules, Map.of("groups", get(spec, "spec.groups")));
    // Unit tests compare annotations too; the templates are checked by `check rules` above.
    Path bare = dir.resolve("rules-without-annotations.yml");
    write(bare, Map.of("groups", withoutAnnotations(spec)));
    Path tests = dir.resolve("alerts-test.yml");
    try (var in = getClass().getResourceAsStream("/alerts/alerts-test.yml")) {
      Files.write(tests, in.readAllBytes());
    }

    assertThat(promtool(dir, "check", "rules", rules.toString()))
        .contains("SUCCESS: 4 rules found");
    assertThat(promtool(dir, "test", "rules", tests.toString())).contains("SUCCESS");
  }

  private static String promtool(Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("promtool"));
    command.addAll(List.of(args));
    Process process;
    try {
      process =
          new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError(
          "promtool is required (Debian: apt-get install prometheus; .ci/run installs it)", e);
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }

  private static Map<String, String> alerts() {
    Map<String, String> alerts = new LinkedHashMap<>();
    for (Map<String, Object> group :
        list(CHART.named("PrometheusRule", "faultline"), "spec.groups")) {
      for (Map<String, Object> rule : list(group, "rules")) {
        alerts.put((String) rule.get("alert"), (String) rule.get("expr"));
      }
    }
    return alerts;
  }

  private static List<Map<String, Object>> withoutAnnotations(Map<String, Object> spec) {
    List<Map<String, Object>> groups = new ArrayList<>();
    for (Map<String, Object> group : list(spec, "spec.groups")) {
      List<Map<String, Object>> rules = new ArrayList<>();
      for (Map<String, Object> rule : list(group, "rules")) {
        Map<String, Object> copy = new LinkedHashMap<>(rule);
        copy.remove("annotations");
        rules.add(copy);
      }
      Map<String, Object> copy = new LinkedHashMap<>(group);
      copy.put("rules", rules);
      groups.add(copy);
    }
    return groups;
  }

  private static void write(Path file, Object content) throws IOException {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    Files.writeString(file, new Yaml(options).dump(content));
  }

  static String prometheusName(String micrometerName) {
    return micrometerName.replace('.', '_');
  }
}
