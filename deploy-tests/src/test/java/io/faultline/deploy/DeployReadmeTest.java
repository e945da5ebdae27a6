package io.faultline.deploy;

import static io.faultline.deploy.Rendered.get;
import static io.faultline.deploy.Rendered.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/README.md} is an operator's guide to copy from, so everything it names must exist
 * as written: files and links, chart values (and each {@code # my-values.yaml} block must render),
 * IAM template parameters, metric and alert names, API paths, environment variables, Kubernetes
 * object names and test classes.
 */
class DeployReadmeTest {
  private static final String README = Repository.read("deploy/README.md");

  /** A Spring property under a service's free-form {@code config} value. */
  private static final Pattern SPRING_CONFIG = Pattern.compile("^(\\w+)\\.config\\.(.+)$");

  private static final Pattern INLINE = Pattern.compile("`([^`\n]+)`");
  private static final Pattern BLOCK = Pattern.compile("```(\\w*)\n(.*?)```", Pattern.DOTALL);
  private static final List<String> SERVICE_KEYS = List.of("policy", "executor", "scheduler");

  @Test
  void everyFileAndLinkExists() {
    Matcher paths =
        Pattern.compile(
                "(?<![\\w/.<-])((?:deploy|docs|local-platform|executor-service|policy-service|scheduler-service)/[\\w./-]*\\w)")
            .matcher(README);
    Set<String> checked = new LinkedHashSet<>();
    while (paths.find()) {
      checked.add(paths.group(1));
    }
    for (String path : checked) {
      assertThat(Repository.path(path)).as(path).exists();
    }
    assertThat(checked).contains("deploy/iam/target-role.yaml", "deploy/helm/faultline");

    Matcher links = Pattern.compile("\\]\\(([^)#\\s]+)(?:#([\\w-]+))?\\)").matcher(README);
    while (links.find()) {
      if (links.group(1).startsWith("http")) {
        continue;
      }
      Path target = Repository.path("deploy").resolve(links.group(1)).normalize();
      assertThat(target).as(links.group()).exists();
      if (links.group(2) != null) {
        String file = Files.isDirectory(target) ? read(target.resolve("README.md")) : read(target);
        assertThat(anchors(file)).as(links.group()).contains(links.group(2));
      }
    }
    // In-page links.
    Matcher local = Pattern.compile("\\]\\(#([\\w-]+)\\)").matcher(README);
    while (local.find()) {
      assertThat(anchors(README)).as(local.group()).contains(local.group(1));
    }
  }

  @Test
  void everyChartValueNamedExists() {
    Map<String, Object> values = yaml(Repository.read("deploy/helm/faultline/values.yaml"));
    Pattern key = Pattern.compile("^((?:<service>|[a-zA-Z]+)(?:\\.[\\w<>-]+)+)");
    List<String> named = new ArrayList<>();
    for (String token : inline()) {
      Matcher m = key.matcher(token.replace("--set ", ""));
      if (!m.find() || m.group(1).matches(".*\\.(ya?ml|json|sh|py|md|html)$")) {
        continue;
      }
      String path = m.group(1);
      String first = path.substring(0, path.indexOf('.'));
      if (!first.equals("<service>") && !values.containsKey(first)) {
        continue; // not a chart value (a Spring property, a file name)
      }
      Matcher spring = SPRING_CONFIG.matcher(path);
      if (spring.matches()) {
        // A Spring property under a service's free-form config: the service must have it.
        assertThat(get(values, spring.group(1) + ".config")).as(path).isInstanceOf(Map.class);
        Map<String, Object> application =
            yaml(Repository.read(spring.group(1) + "-service/src/main/resources/application.yml"));
        assertThat(get(application, spring.group(2))).as(path).isNotNull();
        named.add(path);
        continue;
      }
      for (String service : SERVICE_KEYS) {
        String concrete = path.replace("<service>", service);
        assertThat(exists(values, concrete)).as("values.yaml has " + concrete).isTrue();
      }
      named.add(path);
    }
    assertThat(named)
        .contains(
            "executor.replicas",
            "kafka.secret.name",
            "scheduler.auth.issuerUri",
            "policy.config.faultline.policy.start-halted");
  }

  @Test
  void everyValuesBlockRenders(@TempDir Path dir) throws IOException {
    int blocks = 0;
    for (String[] block : blocks()) {
      if (!block[1].startsWith("# my-values.yaml")) {
        continue;
      }
      Path values = dir.resolve("block-" + ++blocks + ".yaml");
      Files.writeString(values, block[1]);
      // Over the least values the chart needs; the schema refuses unknown keys.
      Rendered rendered = Rendered.with(t -> t.withValuesFile(values), "minimal");
      assertThat(rendered.kind("Deployment")).as(block[1]).hasSize(3);
    }
    assertThat(blocks).as("the MSK, Strimzi and Confluent values").isEqualTo(3);
  }

  @Test
  void everyIamParameterAndOutputNamedExists() {
    Set<String> hub = parameters("deploy/iam/hub-role.yaml");
    Set<String> target = parameters("deploy/iam/target-role.yaml");
    int commands = 0;
    for (String[] block : blocks()) {
      String text = block[1];
      Set<String> declared =
          text.contains("target-role.yaml") ? target : text.contains("hub-role.yaml") ? hub : null;
      if (declared == null) {
        continue;
      }
      commands++;
      Matcher keys = Pattern.compile("ParameterKey=(\\w+)").matcher(text);
      while (keys.find()) {
        assertThat(declared).as(keys.group()).contains(keys.group(1));
      }
      int overrides = text.indexOf("--parameter-overrides");
      if (overrides >= 0) {
        Matcher pairs = Pattern.compile("(?:^|\\s)([A-Z]\\w+)=").matcher(text.substring(overrides));
        while (pairs.find()) {
          assertThat(declared).as(pairs.group()).contains(pairs.group(1));
        }
      }
      Matcher outputs = Pattern.compile("OutputKey=='(\\w+)'").matcher(text);
      while (outputs.find()) {
        assertThat(get(yaml(Repository.read("deploy/iam/hub-role.yaml")), "Outputs"))
            .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
            .containsKey(outputs.group(1));
      }
    }
    assertThat(commands).isGreaterThanOrEqualTo(2);
    // Parameters named in the prose (ServiceAccount=…, ExternalId, HubRoleArn, RoleName).
    for (String token : inline()) {
      Matcher m = Pattern.compile("^([A-Z][a-z]\\w*)=").matcher(token);
      if (m.find()) {
        assertThat(hub).as(token).contains(m.group(1));
      }
    }
    for (String name : List.of("HubRoleArn", "ExternalId", "RoleName")) {
      assertThat(inline()).contains(name);
      assertThat(target).contains(name);
    }
  }

  @Test
  void everyMetricAndAlertNamedExists() {
    String dashboard = Repository.read("deploy/grafana/faultline-dashboard.json");
    String alerts = Repository.read("deploy/helm/faultline/templates/prometheusrule.yaml");
    String sources = mainJavaSources();
    Matcher metrics = Pattern.compile("\\b((?:faultline|kafka)_[a-z_]+)\\b").matcher(README);
    int found = 0;
    while (metrics.find()) {
      String metric = metrics.group(1);
      String micrometer =
          metric.replaceAll("(_seconds)?(_bucket|_total|_count|_sum|_max)?$", "").replace('_', '.');
      Pattern exact = Pattern.compile("(?<!\\w)" + metric + "(?!\\w)");
      assertThat(
              exact.matcher(dashboard).find()
                  || exact.matcher(alerts).find()
                  || sources.contains("\"" + micrometer + "\""))
          .as(metric + " (Micrometer " + micrometer + ")")
          .isTrue();
      found++;
    }
    assertThat(found).isGreaterThanOrEqualTo(5);
    Matcher alertNames = Pattern.compile("`(Faultline[A-Z]\\w+)`").matcher(README);
    while (alertNames.find()) {
      assertThat(alerts).contains("alert: " + alertNames.group(1));
    }
  }

  @Test
  void everyApiPathIsOneTheSchedulerServes() {
    List<Pattern> served = new ArrayList<>();
    String schedulerReadme = Repository.read("scheduler-service/README.md");
    Matcher rows = Pattern.compile("`(/api/v1/[^`]+)`(?:\\s*`…/(\\w+)`)?").matcher(schedulerReadme);
    while (rows.find()) {
      served.add(template(rows.group(1)));
      if (rows.group(2) != null) {
        served.add(template(rows.group(1).replaceAll("/[^/]+$", "/" + rows.group(2))));
      }
    }
    Matcher paths = Pattern.compile("(/api/v1/[\\w./-]*[\\w])").matcher(README);
    int found = 0;
    while (paths.find()) {
      String path = paths.group(1);
      if (path.equals("/api/v1")) {
        continue;
      }
      assertThat(served.stream().anyMatch(p -> p.matcher(path).matches())).as(path).isTrue();
      found++;
    }
    assertThat(found).isGreaterThanOrEqualTo(5);
  }

  @Test
  void everyEnvironmentVariableKubernetesNameAndTestClassExists() {
    String deployFiles =
        deployFiles() + Repository.read("docker-compose.yml") + Repository.read("pom.xml");
    // Docker's own switches, not Faultline's.
    Set<String> docker = Set.of("COMPOSE_DOCKER_CLI_BUILD", "DOCKER_BUILDKIT");
    Pattern variable = Pattern.compile("(?:^|\\s)([A-Z][A-Z0-9]*_[A-Z0-9_]+|[A-Z]{4,})(?==|$|\\s)");
    for (String token : inline()) {
      if (token.matches("^[A-Z][A-Z0-9_]{3,}(=.*)?$")) {
        Matcher m = variable.matcher(token);
        while (m.find()) {
          if (!docker.contains(m.group(1))) {
            assertThat(deployFiles).as(token).contains(m.group(1));
          }
        }
      }
    }
    Rendered chart = Rendered.with("minimal");
    Matcher deployments = Pattern.compile("deployment/([\\w-]+)").matcher(README);
    while (deployments.find()) {
      assertThat(chart.find("Deployment", deployments.group(1)))
          .as(deployments.group())
          .isPresent();
    }
    assertThat(chart.find("Service", "faultline-scheduler-service")).isPresent();
    Matcher classes =
        Pattern.compile("\\b([A-Z][a-z]\\w*(?:Test|IT|Benchmark))\\b").matcher(README);
    Set<String> named = new LinkedHashSet<>();
    while (classes.find()) {
      named.add(classes.group(1));
    }
    for (String name : named) {
      assertThat(javaFile(name)).as(name + ".java").isTrue();
    }
  }

  private static Pattern template(String path) {
    return Pattern.compile(Pattern.quote(path).replaceAll("\\{\\w+}", "\\\\E[^/]+\\\\Q"));
  }

  private static List<String> inline() {
    List<String> tokens = new ArrayList<>();
    String prose = BLOCK.matcher(README).replaceAll("");
    Matcher m = INLINE.matcher(prose);
    while (m.find()) {
      tokens.add(m.group(1));
    }
    return tokens;
  }

  /** Fenced blocks: language, text. */
  private static List<String[]> blocks() {
    List<String[]> blocks = new ArrayList<>();
    Matcher m = BLOCK.matcher(README);
    while (m.find()) {
      blocks.add(new String[] {m.group(1), m.group(2)});
    }
    return blocks;
  }

  private static Set<String> parameters(String template) {
    return ((Map<?, ?>) yaml(Repository.read(template)).get("Parameters"))
        .keySet().stream().map(String::valueOf).collect(java.util.stream.Collectors.toSet());
  }

  private static boolean exists(Map<String, Object> values, String path) {
    String parent = path.contains(".") ? path.substring(0, path.lastIndexOf('.')) : "";
    Object container = parent.isEmpty() ? values : get(values, parent);
    return container instanceof Map<?, ?> m
        && m.containsKey(path.substring(path.lastIndexOf('.') + 1));
  }

  /** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
  private static Set<String> anchors(String markdown) {
    Set<String> anchors = new LinkedHashSet<>();
    markdown
        .lines()
        .filter(l -> l.startsWith("#"))
        .map(l -> l.replaceFirst("^#+\\s*", "").toLowerCase(Locale.ROOT))
        .map(h -> h.replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'))
        .forEach(anchors::add);
    return anchors;
  }

  private static String mainJavaSources() {
    return walk(
        Repository.ROOT,
        p -> p.toString().endsWith(".java") && p.toString().contains("/src/main/"));
  }

  private static String deployFiles() {
    // Not this page itself: what it names must exist elsewhere.
    return walk(Repository.path("deploy"), p -> !p.endsWith("deploy/README.md"));
  }

  private static boolean javaFile(String name) {
    return !walk(Repository.ROOT, p -> p.getFileName().toString().equals(name + ".java")).isEmpty();
  }

  private static String walk(Path root, java.util.function.Predicate<Path> include) {
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.walk(root)) {
      files
          .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/.git/"))
          .filter(Files::isRegularFile)
          .filter(include)
          .forEach(p -> all.append(read(p)).append('\n'));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return all.toString();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
