package io.faultline.e2e;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

/**
 * The CI examples of {@code docs/ci}: the shell lines of their jobs that call {@code faultline}
 * (GitHub Actions: each step's {@code run}; GitLab CI: each job's {@code script}).
 */
final class CiExamples {
  private CiExamples() {}

  static Path dir() {
    return Path.of(System.getProperty("faultline.e2e.ci-examples-dir", "../docs/ci"))
        .toAbsolutePath();
  }

  /** The {@code faultline …} lines of the GitHub Actions workflow's steps. */
  static List<String> githubActions() {
    List<String> lines = new ArrayList<>();
    Map<String, Object> workflow = load(dir().resolve("github-actions.yml"));
    for (Object job : map(workflow.get("jobs")).values()) {
      for (Object step : list(map(job).get("steps"))) {
        Object run = map(step).get("run");
        if (run instanceof String script) {
          lines.addAll(faultlineLines(script));
        }
      }
    }
    return lines;
  }

  /** The {@code faultline …} lines of the GitLab CI jobs' scripts. */
  static List<String> gitlabCi() {
    List<String> lines = new ArrayList<>();
    Map<String, Object> pipeline = load(dir().resolve("gitlab-ci.yml"));
    for (Object value : pipeline.values()) {
      if (value instanceof Map<?, ?> job) {
        for (String key : List.of("before_script", "script", "after_script")) {
          for (Object line : list(job.get(key))) {
            lines.addAll(faultlineLines(line.toString()));
          }
        }
      }
    }
    return lines;
  }

  private static List<String> faultlineLines(String script) {
    return script.lines().map(String::strip).filter(l -> l.startsWith("faultline ")).toList();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> load(Path file) {
    try (Reader reader = Files.newBufferedReader(file)) {
      return (Map<String, Object>) new Yaml().load(reader);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private static List<Object> list(Object value) {
    if (value instanceof List<?> l) {
      return new ArrayList<>(l);
    }
    return value == null ? List.of() : List.of(value);
  }
}
