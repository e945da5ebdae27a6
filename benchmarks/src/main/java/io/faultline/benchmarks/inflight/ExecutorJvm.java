package io.faultline.benchmarks.inflight;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.faultline.benchmarks.jvm.BootService;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The one executor of a P3 run, from its boot jar ({@link BootService}: the deployed image's JVM
 * options and the heap cap of {@code bench.executorJvm}), configured as local-platform's harness
 * configures it except: the SSM-online pre-check runs (the stub answers it, as AWS would), its AWS
 * endpoint is the benchmark stub, the per-account SSM rate limiter is widened and {@code
 * max-in-flight} is raised above the faults held, so the figures measure the executor rather than a
 * configured budget. Its heap is read after a full GC forced with {@code jcmd}.
 */
final class ExecutorJvm implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BootService service;

  private ExecutorJvm(BootService service) {
    this.service = service;
  }

  static ExecutorJvm start(
      InFlightSettings settings, String bootstrapServers, URI awsEndpoint, String ids) {
    BootService service =
        BootService.start(
            "executor-service",
            settings.executorJar(),
            "package it first (./mvnw -B -o -q package -DskipTests -pl executor-service -am)"
                + " or set faultline.bench.services-dir",
            settings.executorJvm(),
            List.of(
                "--spring.kafka.bootstrap-servers=" + bootstrapServers,
                "--faultline.executor.group-id=" + ids + "-executor",
                "--faultline.executor.executor-id=" + ids,
                "--faultline.executor.session-timeout=6s",
                "--faultline.executor.aws.endpoint=" + awsEndpoint,
                "--faultline.executor.aws.max-attempts=2",
                "--faultline.executor.aws.ssm-calls-per-second=10000",
                "--faultline.executor.run.poll-initial=100ms",
                "--faultline.executor.run.poll-max=500ms",
                "--faultline.executor.max-in-flight=" + (settings.faults() + 1_000)),
            Map.of(
                "AWS_ACCESS_KEY_ID", "AKIAFAULTLINEBENCH",
                "AWS_SECRET_ACCESS_KEY", "faultline-bench-secret",
                "AWS_REGION", Approvals.REGION),
            settings.workDir());
    try {
      service.awaitHealthy(Duration.ofSeconds(180));
      return new ExecutorJvm(service);
    } catch (RuntimeException e) {
      service.close();
      throw e;
    }
  }

  long pid() {
    return service.pid();
  }

  double cpuSeconds() {
    return service.cpuSeconds();
  }

  /** Fails with the tail of the executor's log when it has exited (e.g. out of memory). */
  void failIfExited() {
    service.failIfExited();
  }

  String tail(int lines) {
    return service.tail(lines);
  }

  /** Heap used (bytes) right after a full GC: {@code jcmd GC.run}, then actuator's heap gauge. */
  long heapUsedAfterGc() {
    jcmd("GC.run");
    JsonNode metric =
        readJson(service.getManagement("/actuator/metrics/jvm.memory.used?tag=area:heap"));
    for (JsonNode measurement : metric.path("measurements")) {
      if ("VALUE".equals(measurement.path("statistic").asText())) {
        return measurement.path("value").asLong();
      }
    }
    throw new IllegalStateException("no heap value in jvm.memory.used: " + metric);
  }

  /** The first {@code lines} lines of {@code jcmd GC.class_histogram} (what fills the heap). */
  String classHistogram(int lines) {
    return jcmd("GC.class_histogram").lines().limit(lines).reduce("", (a, b) -> a + b + "\n");
  }

  private String jcmd(String command) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    try {
      Process process =
          new ProcessBuilder(jcmd.toString(), Long.toString(service.pid()), command)
              .redirectErrorStream(true)
              .start();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
        throw new IllegalStateException(
            "jcmd "
                + command
                + " failed on the executor: "
                + new String(output, StandardCharsets.UTF_8));
      }
      return new String(output, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + jcmd, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode readJson(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new IllegalStateException("not JSON: " + body, e);
    }
  }

  @Override
  public void close() {
    service.close();
  }
}
