package io.faultline.benchmarks.admission;

import io.faultline.local.ChildProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One policy-service instance from its boot jar, with the JVM options of the deployed image (full
 * JIT, default collector) rather than local-platform's quick-start ones ({@code
 * -XX:TieredStopAtLevel=1 -XX:+UseSerialGC}), and only documented properties: the broker, the
 * application id shared by every instance of a measurement, its own ports and state directory.
 */
final class PolicyInstance implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final int managementPort;
  private final ChildProcess process;

  private PolicyInstance(String name, int managementPort, ChildProcess process) {
    this.name = name;
    this.managementPort = managementPort;
    this.process = process;
  }

  /**
   * Starts instance {@code index} of application {@code applicationId}; {@link #awaitHealthy} waits
   * for it.
   */
  static PolicyInstance start(
      Path bootJar,
      String bootstrapServers,
      String applicationId,
      int index,
      List<String> jvmOptions,
      Path workDir) {
    if (!Files.isReadable(bootJar)) {
      throw new IllegalStateException(
          "the policy-service boot jar is missing at "
              + bootJar
              + ": package it first (./mvnw -B -o -q package -DskipTests"
              + " -pl events-schema,telemetry,policy-service) or set bench.servicesDir");
    }
    String name = "policy-" + index;
    int port = freePort();
    int managementPort = freePort();
    List<String> command = new ArrayList<>();
    command.add(
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(jvmOptions);
    command.add("-Djava.io.tmpdir=" + workDir.resolve(name + "-tmp"));
    command.addAll(
        List.of(
            "-jar",
            bootJar.toString(),
            "--server.port=" + port,
            "--management.server.port=" + managementPort,
            "--spring.kafka.bootstrap-servers=" + bootstrapServers,
            "--faultline.policy.application-id=" + applicationId,
            "--faultline.policy.replication-factor=1",
            "--faultline.policy.state-dir=" + workDir.resolve(name + "-state"),
            // Every request is approvable and no executor ends a fault, so leases pile up: the
            // platform limit (200 by default) would turn the run into rejections.
            "--faultline.policy.platform-max-active-faults=" + Integer.MAX_VALUE));
    try {
      Files.createDirectories(workDir.resolve(name + "-tmp"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // As with no trace backend: spans are made but exported nowhere.
    Map<String, String> env =
        Map.of(
            "OTEL_TRACES_EXPORTER", "none",
            "OTEL_METRICS_EXPORTER", "none",
            "OTEL_LOGS_EXPORTER", "none");
    return new PolicyInstance(
        name,
        managementPort,
        ChildProcess.start(name, command, env, workDir, workDir.resolve(name + ".log")));
  }

  /** Waits until {@code /actuator/health} on the management port answers UP. */
  void awaitHealthy(Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (!healthy()) {
      process.failIfExited();
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            name + " was not healthy within " + timeout + "\n" + process.tail(40));
      }
      Poll.pause(Duration.ofMillis(250));
    }
  }

  private boolean healthy() {
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + managementPort + "/actuator/health"))
                  .timeout(Duration.ofSeconds(2))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 && response.body().contains("\"UP\"");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  double cpuSeconds() {
    return ProcessCpu.seconds(process.pid());
  }

  void failIfExited() {
    process.failIfExited();
  }

  String tail(int lines) {
    return process.tail(lines);
  }

  /** SIGTERM without waiting, so several instances stop side by side; {@link #close} waits. */
  void terminate() {
    process.terminate();
  }

  @Override
  public void close() {
    process.close();
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port", e);
    }
  }
}
