package io.faultline.benchmarks.admission;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The P1 driver's parameters, from system properties ({@code -Dbench.<name>=<value>}); a bad value
 * fails at once naming the property and the rule.
 *
 * @param instances the policy instance counts to measure, each on a fresh broker
 * @param backlog requests in the backlog of each count
 * @param warmup requests decided before the backlog (JIT, connections, leaders)
 * @param rates fixed request rates for latency, measured with the first count only
 * @param seconds how long each rate is offered
 * @param tenants tenants the requests are spread over (round-robin)
 * @param decision whether the requests are approvable or refused by a rule
 * @param pipe whether the raw pipe reference is measured (with the first count)
 * @param pipeCommitMillis the pipe's commit interval
 * @param policyJvmOptions the policy instances' JVM options
 * @param servicesDir the repository root holding {@code policy-service/target/<jar>}
 * @param version the services' version
 * @param workDir logs and state of this run
 */
public record BenchSettings(
    List<Integer> instances,
    int backlog,
    int warmup,
    List<Integer> rates,
    int seconds,
    int tenants,
    BenchTenants.Decision decision,
    boolean pipe,
    int pipeCommitMillis,
    List<String> policyJvmOptions,
    Path servicesDir,
    String version,
    Path workDir) {

  public static BenchSettings fromSystemProperties() {
    return new BenchSettings(
        positives("bench.instances", "1,2,3", false),
        positive("bench.backlog", 100_000, 1),
        positive("bench.warmup", 20_000, 0),
        positives("bench.rates", "2000,1000", true),
        positive("bench.seconds", 20, 1),
        positive("bench.tenants", 24, 1),
        parseDecision(),
        Boolean.parseBoolean(System.getProperty("bench.pipe", "true")),
        positive("bench.pipeCommitMs", 20, 1),
        Arrays.stream(
                System.getProperty("bench.policyJvm", "-Xmx512m -XX:+ExitOnOutOfMemoryError")
                    .trim()
                    .split("\\s+"))
            .filter(s -> !s.isEmpty())
            .toList(),
        findServicesDir(),
        System.getProperty("faultline.bench.version", "0.1.0-SNAPSHOT"),
        Path.of(
                System.getProperty("faultline.bench.work-dir", "benchmarks/target/bench"),
                "p1-" + System.currentTimeMillis())
            .toAbsolutePath());
  }

  Path policyJar() {
    return servicesDir
        .resolve("policy-service/target/policy-service-" + version + ".jar")
        .toAbsolutePath()
        .normalize();
  }

  private static BenchTenants.Decision parseDecision() {
    String value = System.getProperty("bench.decision", "approve");
    return switch (value) {
      case "approve" -> BenchTenants.Decision.APPROVE;
      case "reject" -> BenchTenants.Decision.REJECT;
      default ->
          throw new IllegalArgumentException(
              "bench.decision must be 'approve' or 'reject', got '" + value + "'");
    };
  }

  /** The repository root: the property, else the first directory up from here with the module. */
  private static Path findServicesDir() {
    String configured = System.getProperty("faultline.bench.services-dir");
    if (configured != null) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("policy-service"))) {
        return dir;
      }
    }
    throw new IllegalArgumentException(
        "faultline.bench.services-dir is not set and no parent directory holds policy-service");
  }

  private static int positive(String property, int fallback, int min) {
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

  private static List<Integer> positives(String property, String fallback, boolean mayBeEmpty) {
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
}
