package io.faultline.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * A copy of the chart (under target/) whose values.yaml is the chart's defaults with one of its
 * test values files laid over them, as Helm merges them (maps merged, everything else replaced).
 */
final class LintCopy {
  private LintCopy() {}

  static Path of(String values) {
    Path copy = Repository.BUILD.resolve("lint/" + values + "/faultline");
    try {
      if (Files.exists(copy)) {
        try (Stream<Path> old = Files.walk(copy)) {
          old.sorted(java.util.Comparator.reverseOrder()).forEach(LintCopy::delete);
        }
      }
      try (Stream<Path> files = Files.walk(Repository.CHART)) {
        for (Path file : files.toList()) {
          Path target = copy.resolve(Repository.CHART.relativize(file).toString());
          if (Files.isDirectory(file)) {
            Files.createDirectories(target);
          } else {
            Files.copy(file, target);
          }
        }
      }
      Yaml yaml = new Yaml(new LoaderOptions());
      Map<String, Object> merged =
          merge(
              yaml.load(Files.readString(Repository.CHART.resolve("values.yaml"))),
              yaml.load(Files.readString(Repository.values(values))));
      DumperOptions block = new DumperOptions();
      block.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
      Files.writeString(copy.resolve("values.yaml"), new Yaml(block).dump(merged));
      return copy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> over) {
    Map<String, Object> merged = new LinkedHashMap<>(base);
    over.forEach(
        (key, value) -> {
          if (value instanceof Map<?, ?> m && merged.get(key) instanceof Map<?, ?> b) {
            merged.put(key, merge((Map<String, Object>) b, (Map<String, Object>) m));
          } else {
            merged.put(key, value);
          }
        });
    return merged;
  }

  private static void delete(Path path) {
    try {
      Files.delete(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
