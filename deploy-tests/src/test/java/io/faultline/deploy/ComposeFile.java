package io.faultline.deploy;

import static io.faultline.deploy.Rendered.get;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code docker-compose.yml} as Compose reads it (YAML anchors resolved): services, their
 * environment (values as strings, as Compose passes them), ports and start conditions.
 */
record ComposeFile(String text, Map<String, Object> document) {
  static ComposeFile read() {
    String text = Repository.read("docker-compose.yml");
    return new ComposeFile(text, Rendered.yaml(text));
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> services() {
    return (Map<String, Object>) document.get("services");
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> service(String name) {
    Object service = services().get(name);
    if (service == null) {
      throw new AssertionError("docker-compose.yml has no service " + name);
    }
    return (Map<String, Object>) service;
  }

  /** The service's environment; numbers and booleans as the strings the container sees. */
  Map<String, String> environment(String service) {
    Map<String, String> environment = new LinkedHashMap<>();
    Object raw = service(service).get("environment");
    if (raw instanceof Map<?, ?> map) {
      map.forEach((k, v) -> environment.put(String.valueOf(k), String.valueOf(v)));
    } else if (raw != null) {
      throw new AssertionError(service + ": environment should be a map");
    }
    return environment;
  }

  /** Each dependency's condition; a dependency without one (the short list form) is "none". */
  Map<String, String> dependsOn(String service) {
    Map<String, String> conditions = new LinkedHashMap<>();
    Object raw = service(service).get("depends_on");
    if (raw instanceof Map<?, ?> map) {
      map.forEach(
          (k, v) -> {
            Object condition = get(v, "condition");
            conditions.put(String.valueOf(k), condition == null ? "none" : condition.toString());
          });
    } else if (raw instanceof List<?> list) {
      list.forEach(k -> conditions.put(String.valueOf(k), "none"));
    }
    return conditions;
  }

  @SuppressWarnings("unchecked")
  List<String> list(String service, String key) {
    Object raw = service(service).get(key);
    return raw == null ? List.of() : ((List<Object>) raw).stream().map(String::valueOf).toList();
  }

  /** The host:container port mappings. */
  List<String> ports(String service) {
    return list(service, "ports");
  }

  /** The healthcheck's command as one string (without CMD / CMD-SHELL), or null. */
  String healthcheck(String service) {
    Object test = get(service(service), "healthcheck.test");
    if (test instanceof List<?> parts) {
      return String.join(
          " ", parts.subList(1, parts.size()).stream().map(String::valueOf).toList());
    }
    return test == null ? null : test.toString();
  }
}
