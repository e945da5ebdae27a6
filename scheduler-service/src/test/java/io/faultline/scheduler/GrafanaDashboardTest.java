package io.faultline.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.faultline.scheduler.state.StateJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Grafana dashboard in {@code deploy/grafana} against the metric names every service agreed to
 * publish (issue 6): a renamed metric, or a panel querying a name nobody publishes, fails the
 * build. Also checks that docker-compose provisions it and that Prometheus scrapes every service.
 */
class GrafanaDashboardTest {
  private static final Path DEPLOY = Path.of("..", "deploy");
  private static final Path DASHBOARD = DEPLOY.resolve("grafana/faultline-dashboard.json");
  private static final Path COMPOSE = Path.of("..", "docker-compose.yml");

  private enum Kind {
    COUNTER,
    TIMER,
    GAUGE
  }

  /** A Micrometer meter and the names Prometheus exposes it under. */
  private record Metric(String name, Kind kind) {
    Set<String> prometheusNames() {
      String base = name.replace('.', '_');
      return switch (kind) {
        case COUNTER -> Set.of(base + "_total");
        case TIMER ->
            Set.of(
                base + "_seconds_bucket",
                base + "_seconds_count",
                base + "_seconds_sum",
                base + "_seconds_max");
        case GAUGE -> Set.of(base);
      };
    }
  }

  /** The metrics of /work/notes/issue6.md, as the services register them. */
  private static final List<Metric> AGREED =
      List.of(
          new Metric("faultline.policy.decisions", Kind.COUNTER),
          new Metric("faultline.policy.decision.latency", Kind.TIMER),
          new Metric("faultline.policy.active.leases", Kind.GAUGE),
          new Metric("faultline.executor.active.faults", Kind.GAUGE),
          new Metric("faultline.executor.phase.duration", Kind.TIMER),
          new Metric("faultline.executor.faults.finished", Kind.COUNTER),
          new Metric("faultline.aws.calls", Kind.COUNTER),
          new Metric("faultline.aws.call.duration", Kind.TIMER),
          new Metric("faultline.executor.ledger.write.wait", Kind.TIMER),
          new Metric("faultline.executor.ledger.transactions", Kind.TIMER),
          new Metric("faultline.scheduler.requests.published", Kind.COUNTER),
          new Metric("faultline.scheduler.runs", Kind.COUNTER),
          new Metric("kafka.consumer.fetch.manager.records.lag.max", Kind.GAUGE));

  /** Anything in a query that looks like one of our metric names (PromQL words never do). */
  private static final Pattern METRIC_NAME =
      Pattern.compile("\\b(?:faultline|kafka)_[a-z0-9_]+\\b");

  private static JsonNode dashboard() throws IOException {
    return StateJson.mapper().readTree(Files.readString(DASHBOARD));
  }

  private static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> panels = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      if (panel.path("type").asText().equals("row")) {
        panel.path("panels").forEach(panels::add);
      } else {
        panels.add(panel);
      }
    }
    return panels;
  }

  private static Set<String> known() {
    Set<String> names = new LinkedHashSet<>();
    AGREED.forEach(m -> names.addAll(m.prometheusNames()));
    return names;
  }

  private static Set<String> namesIn(String expr) {
    Set<String> names = new LinkedHashSet<>();
    Matcher m = METRIC_NAME.matcher(expr);
    while (m.find()) {
      names.add(m.group());
    }
    return names;
  }

  @Test
  void everyPanelQueriesOnlyAgreedMetricNames() throws IOException {
    List<JsonNode> panels = panels(dashboard());
    assertThat(panels).isNotEmpty();
    for (JsonNode panel : panels) {
      String title = panel.path("title").asText();
      assertThat(panel.path("targets")).as("targets of %s", title).isNotEmpty();
      for (JsonNode target : panel.path("targets")) {
        String expr = target.path("expr").asText();
        Set<String> names = namesIn(expr);
        assertThat(names).as("metrics queried by %s: %s", title, expr).isNotEmpty();
        assertThat(known()).as("metrics queried by %s", title).containsAll(names);
      }
    }
  }

  @Test
  void everyAgreedMetricHasAPanel() throws IOException {
    Set<String> queried = new LinkedHashSet<>();
    for (JsonNode panel : panels(dashboard())) {
      panel.path("targets").forEach(t -> queried.addAll(namesIn(t.path("expr").asText())));
    }
    for (Metric metric : AGREED) {
      assertThat(queried)
          .as("a panel for %s (%s)", metric.name(), metric.prometheusNames())
          .containsAnyElementsOf(metric.prometheusNames());
    }
  }

  @Test
  void queriesThePrometheusChosenAtImportOrInTheVariable() throws IOException {
    JsonNode dashboard = dashboard();
    assertThat(dashboard.path("__inputs").findValuesAsText("name")).contains("DS_PROMETHEUS");
    assertThat(dashboard.path("templating").path("list").findValuesAsText("name"))
        .contains("DS_PROMETHEUS");
    for (JsonNode panel : panels(dashboard)) {
      assertThat(panel.path("datasource").path("uid").asText())
          .as("data source of %s", panel.path("title").asText())
          .isEqualTo("${DS_PROMETHEUS}");
      for (JsonNode target : panel.path("targets")) {
        assertThat(target.path("datasource").path("uid").asText()).isEqualTo("${DS_PROMETHEUS}");
      }
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void composeTracesToZipkinScrapesEveryServiceAndProvisionsTheDashboard() throws IOException {
    Map<String, Object> compose = new Yaml().load(Files.readString(COMPOSE));
    Map<String, Map<String, Object>> services =
        (Map<String, Map<String, Object>>) compose.get("services");
    List<String> faultline = List.of("policy-service", "executor-service", "scheduler-service");
    for (String service : faultline) {
      Map<String, Object> env = (Map<String, Object>) services.get(service).get("environment");
      assertThat(env)
          .as("environment of %s", service)
          .containsEntry("OTEL_TRACES_EXPORTER", "zipkin");
      assertThat(env)
          .containsEntry("OTEL_EXPORTER_ZIPKIN_ENDPOINT", "http://zipkin:9411/api/v2/spans");
    }
    assertThat(services).containsKeys("zipkin", "prometheus", "grafana");
    assertThat(services.get("grafana").get("volumes").toString())
        .contains("./deploy/grafana/faultline-dashboard.json")
        .contains("./deploy/grafana/provisioning");

    Map<String, Object> prometheus =
        new Yaml().load(Files.readString(DEPLOY.resolve("prometheus/prometheus.yml")));
    List<Map<String, Object>> jobs = (List<Map<String, Object>>) prometheus.get("scrape_configs");
    assertThat(jobs).extracting(j -> j.get("job_name")).containsAll(faultline);
    for (Map<String, Object> job : jobs) {
      if (faultline.contains(job.get("job_name"))) {
        assertThat(job).containsEntry("metrics_path", "/actuator/prometheus");
        assertThat(job.get("static_configs").toString()).contains(job.get("job_name") + ":");
      }
    }
  }
}
