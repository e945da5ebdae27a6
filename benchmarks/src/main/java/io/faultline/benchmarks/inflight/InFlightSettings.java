package io.faultline.benchmarks.inflight;

import io.faultline.benchmarks.jvm.BenchProperties;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The P3 driver's options, from system properties ({@code -Dbench.<name>=<value>}); a bad value
 * fails at once naming the property and the rule.
 *
 * @param faults faults held at once on the executor
 * @param accounts accounts they are spread over (round-robin)
 * @param tenants tenants the accounts are spread over (an account belongs to one tenant)
 * @param dryWarmup dry runs run to their end before the measured ones (not measured)
 * @param dryRuns dry runs measured end to end (0: none)
 * @param reference whether the plain producer's broker CPU per record is measured
 * @param executorJvm the executor's JVM options
 * @param timeout the longest any phase may take
 * @param servicesDir the repository root holding {@code executor-service/target/<jar>}
 * @param version the services' version
 * @param workDir logs of this run
 */
public record InFlightSettings(
    int faults,
    int accounts,
    int tenants,
    int dryWarmup,
    int dryRuns,
    boolean reference,
    List<String> executorJvm,
    Duration timeout,
    Path servicesDir,
    String version,
    Path workDir) {

  public static InFlightSettings fromSystemProperties() {
    int accounts = BenchProperties.integer("bench.accounts", 100, 1);
    int tenants = BenchProperties.integer("bench.tenants", 20, 1);
    if (tenants > accounts) {
      throw new IllegalArgumentException(
          "bench.tenants must be at most bench.accounts ("
              + accounts
              + "): every tenant needs an account, got "
              + tenants);
    }
    return new InFlightSettings(
        BenchProperties.integer("bench.faults", 25_000, 1),
        accounts,
        tenants,
        BenchProperties.integer("bench.dryWarmup", 500, 0),
        BenchProperties.integer("bench.dryRuns", 10_000, 0),
        BenchProperties.flag("bench.reference", true),
        BenchProperties.jvmOptions("bench.executorJvm", "-Xmx512m -XX:+ExitOnOutOfMemoryError"),
        Duration.ofSeconds(BenchProperties.integer("bench.timeoutSeconds", 1_800, 1)),
        BenchProperties.servicesDir("executor-service"),
        BenchProperties.version(),
        BenchProperties.workDir("p3"));
  }

  Path executorJar() {
    return servicesDir
        .resolve("executor-service/target/executor-service-" + version + ".jar")
        .toAbsolutePath()
        .normalize();
  }
}
