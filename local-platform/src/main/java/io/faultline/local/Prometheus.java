package io.faultline.local;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A scrape of a Prometheus text endpoint ({@code /actuator/prometheus}), parsed into samples: what
 * the end-to-end tests assert on and the benchmarks read the services' own timers from.
 */
public record Prometheus(List<Sample> samples) {

  /** One sample line: {@code name{label="value",...} value}. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  public static Prometheus parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.lines().toList()) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      String name = brace < 0 ? line.substring(0, line.indexOf(' ')) : line.substring(0, brace);
      Map<String, String> labels = new LinkedHashMap<>();
      if (brace >= 0) {
        String body = line.substring(brace + 1, line.lastIndexOf('}'));
        // Label values never contain '",' in these metrics (tenant ids, enum names).
        for (String pair : body.split("\",")) {
          int eq = pair.indexOf('=');
          if (eq > 0) {
            labels.put(pair.substring(0, eq), pair.substring(eq + 2).replaceAll("\"$", ""));
          }
        }
      }
      samples.add(
          new Sample(name, Map.copyOf(labels), Double.parseDouble(line.substring(space + 1))));
    }
    return new Prometheus(List.copyOf(samples));
  }

  /** The samples of a metric whose labels include every given one. */
  public List<Sample> find(String name, Map<String, String> labels) {
    return samples.stream()
        .filter(s -> s.name().equals(name))
        .filter(s -> s.labels().entrySet().containsAll(labels.entrySet()))
        .toList();
  }
}
