package io.faultline.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The chart as {@code helm template} renders it (release {@code faultline} in namespace {@value
 * #NAMESPACE}), parsed into Kubernetes objects.
 */
record Rendered(String text, List<Map<String, Object>> objects) {
  static final String NAMESPACE = "chaos";
  static final String RELEASE = "faultline";
  static final List<String> SERVICES =
      List.of("policy-service", "executor-service", "scheduler-service");

  static Rendered with(String... valuesFiles) {
    return with(UnaryOperator.identity(), valuesFiles);
  }

  static Rendered with(UnaryOperator<TemplateCommand> settings, String... valuesFiles) {
    TemplateCommand template =
        new Helm(Repository.CHART).template().withName(RELEASE).withNamespace(NAMESPACE);
    for (String values : valuesFiles) {
      template = template.withValuesFile(Repository.values(values));
    }
    return parse(settings.apply(template).call());
  }

  private static Rendered parse(String text) {
    List<Map<String, Object>> objects = new ArrayList<>();
    for (Object doc : new Yaml(new LoaderOptions()).loadAll(text)) {
      if (doc != null) {
        objects.add(map(doc));
      }
    }
    return new Rendered(text, List.copyOf(objects));
  }

  List<Map<String, Object>> kind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
  }

  Optional<Map<String, Object>> find(String kind, String name) {
    return kind(kind).stream().filter(o -> name.equals(get(o, "metadata.name"))).findFirst();
  }

  Map<String, Object> named(String kind, String name) {
    return find(kind, name)
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " rendered"));
  }

  /** The Deployment (or other object) of one service: {@code <release>-<service>}. */
  Map<String, Object> of(String kind, String service) {
    return named(kind, RELEASE + "-" + service);
  }

  static Map<String, Object> container(Map<String, Object> deployment) {
    List<Map<String, Object>> containers = list(deployment, "spec.template.spec.containers");
    assertThat(containers).hasSize(1);
    return containers.getFirst();
  }

  /** The container's environment variables with a literal value. */
  static Map<String, String> env(Map<String, Object> container) {
    Map<String, String> env = new java.util.LinkedHashMap<>();
    for (Map<String, Object> variable : list(container, "env")) {
      env.put((String) variable.get("name"), (String) variable.get("value"));
    }
    return env;
  }

  static Optional<Map<String, Object>> envVar(Map<String, Object> container, String name) {
    return list(container, "env").stream().filter(v -> name.equals(v.get("name"))).findFirst();
  }

  static Map<String, Object> volume(Map<String, Object> deployment, String name) {
    return list(deployment, "spec.template.spec.volumes").stream()
        .filter(v -> name.equals(v.get("name")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no volume " + name));
  }

  static String mountPath(Map<String, Object> container, String volume) {
    return list(container, "volumeMounts").stream()
        .filter(m -> volume.equals(m.get("name")))
        .map(m -> (String) m.get("mountPath"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no mount of volume " + volume));
  }

  /** A value by dotted path ({@code spec.template.spec}); null when absent. */
  static Object get(Object from, String path) {
    Object at = from;
    for (String part : path.split("\\.")) {
      if (!(at instanceof Map<?, ?> m)) {
        return null;
      }
      at = m.get(part);
    }
    return at;
  }

  static Map<String, Object> map(Object from, String path) {
    return map(Objects.requireNonNull(get(from, path), path));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> list(Object from, String path) {
    Object value = get(from, path);
    return value == null ? List.of() : (List<Map<String, Object>>) value;
  }

  /** A YAML document held in a string (a ConfigMap's file), parsed. */
  static Map<String, Object> yaml(String text) {
    Object parsed = new Yaml(new LoaderOptions()).load(text);
    return parsed == null ? Map.of() : map(parsed);
  }
}
