package io.faultline.benchmarks.admission;

import io.faultline.benchmarks.jvm.BenchProperties;
import java.nio.file.Path;
import java.util.List;

/**
 * The P1 driver's parameters, from system properties ({@code -Dbench.<name>=<value>}); a bad value
 * fails at once naming the property and the rule.
 *
 * @param instances the policy instance counts to measure, each on a fresh broker
 * @param backlog requests in the backlog of each count
 * @param warmup requests decided before the backlog, per instance (JIT, connections, leaders): a
 *     policy JVM decides about twice as fast once C2 has compiled the decision path, which takes
 *     more than 5,000 requests per instance (measured: 5,000 gave 1,165–1,412 decisions/s, 30,000
 *     gave 1,913–2,364/s)
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
        BenchProperties.positives("bench.instances", "1,2,3", false),
        BenchProperties.integer("bench.backlog", 30_000, 1),
        BenchProperties.integer("bench.warmup", 30_000, 0),
        BenchProperties.positives("bench.rates", "2000,1000", true),
        BenchProperties.integer("bench.seconds", 10, 1),
        BenchProperties.integer("bench.tenants", 24, 1),
        parseDecision(),
        Boolean.parseBoolean(System.getProperty("bench.pipe", "true")),
        BenchProperties.integer("bench.pipeCommitMs", 20, 1),
        BenchProperties.jvmOptions("bench.policyJvm", "-Xmx512m -XX:+ExitOnOutOfMemoryError"),
        BenchProperties.servicesDir("policy-service"),
        BenchProperties.version(),
        BenchProperties.workDir("p1"));
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
}
