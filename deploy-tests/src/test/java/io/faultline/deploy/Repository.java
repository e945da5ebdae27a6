package io.faultline.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Files of this repository, found from the module's base directory (set by surefire). */
final class Repository {
  static final Path ROOT =
      Path.of(System.getProperty("faultline.repository-dir", "..")).toAbsolutePath().normalize();
  static final Path CHART = ROOT.resolve("deploy/helm/faultline");
  static final Path BUILD = ROOT.resolve("deploy-tests/target");

  private Repository() {}

  static Path path(String relative) {
    return ROOT.resolve(relative);
  }

  static String read(String relative) {
    try {
      return Files.readString(path(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The chart's test values: {@code ci/<name>-values.yaml}. */
  static Path values(String name) {
    return CHART.resolve("ci/" + name + "-values.yaml");
  }
}
