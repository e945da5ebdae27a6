package io.faultline.benchmarks.jvm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The drivers' options from system properties ({@code -D<name>=<value>}): a bad value fails at once
 * naming the property and the rule.
 */
public final class BenchProperties {
  private BenchProperties() {}

  /** An integer ≥ {@code min}, or {@code fallback} when the property is not set. */
  public static int integer(String property, int fallback, int min) {
    String value = System.getProperty(property);
    if (value == null) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed >= min) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        property + " must be an integer ≥ " + min + ", got '" + value + "'");
  }

  /** A comma-separated list of positive integers. */
  public static List<Integer> positives(String property, String fallback, boolean mayBeEmpty) {
    String value = System.getProperty(property, fallback).trim();
    try {
      List<Integer> list =
          Arrays.stream(value.split(","))
              .map(String::trim)
              .filter(s -> !s.isEmpty())
              .map(Integer::parseInt)
              .toList();
      if ((mayBeEmpty || !list.isEmpty()) && list.stream().allMatch(n -> n > 0)) {
        return list;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        property
            + " must be a comma-separated list of positive integers"
            + (mayBeEmpty ? "" : " (at least one)")
            + ", got '"
            + value
            + "'");
  }

  /** {@code true} or {@code false}. */
  public static boolean flag(String property, boolean fallback) {
    String value = System.getProperty(property);
    if (value == null) {
      return fallback;
    }
    return switch (value.trim()) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException(
              property + " must be 'true' or 'false', got '" + value + "'");
    };
  }

  /** JVM options separated by white space. */
  public static List<String> jvmOptions(String property, String fallback) {
    return Arrays.stream(System.getProperty(property, fallback).trim().split("\\s+"))
        .filter(s -> !s.isEmpty())
        .toList();
  }

  /**
   * The repository root holding the services' {@code <service>/target/<jar>}: {@code
   * faultline.bench.services-dir}, else the first directory up from here with {@code module}.
   */
  public static Path servicesDir(String module) {
    String configured = System.getProperty("faultline.bench.services-dir");
    if (configured != null) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve(module))) {
        return dir;
      }
    }
    throw new IllegalArgumentException(
        "faultline.bench.services-dir is not set and no parent directory holds " + module);
  }

  /** The services' version: {@code faultline.bench.version}. */
  public static String version() {
    return System.getProperty("faultline.bench.version", "0.1.0-SNAPSHOT");
  }

  /** A fresh directory for this run's logs and state under {@code faultline.bench.work-dir}. */
  public static Path workDir(String figure) {
    return Path.of(
            System.getProperty("faultline.bench.work-dir", "benchmarks/target/bench"),
            figure + "-" + System.currentTimeMillis())
        .toAbsolutePath();
  }
}
