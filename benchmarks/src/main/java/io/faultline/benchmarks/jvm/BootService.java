package io.faultline.benchmarks.jvm;

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
 * One service from its boot jar in a child JVM with the JVM options the driver gives (the deployed
 * image's: full JIT, default collector) rather than local-platform's quick-start ones ({@code
 * -XX:TieredStopAtLevel=1 -XX:+UseSerialGC}), its own API and management ports, ready when {@code
 * /actuator/health} answers UP. Spans are made but exported nowhere, as with no trace backend.
 */
public final class BootService implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final Map<String, String> NO_EXPORT =
      Map.of(
          "OTEL_TRACES_EXPORTER", "none",
          "OTEL_METRICS_EXPORTER", "none",
          "OTEL_LOGS_EXPORTER", "none");

  private final String name;
  private final int managementPort;
  private final ChildProcess process;

  private BootService(String name, int managementPort, ChildProcess process) {
    this.name = name;
    this.managementPort = managementPort;
    this.process = process;
  }

  /**
   * Starts {@code bootJar} as {@code name} with {@code jvmOptions}, its ports and {@code args};
   * {@code env} is added to the environment. Fails with {@code howToBuild} when the jar is missing.
   * {@link #awaitHealthy} waits for it.
   */
  public static BootService start(
      String name,
      Path bootJar,
      String howToBuild,
      List<String> jvmOptions,
      List<String> args,
      Map<String, String> env,
      Path workDir) {
    if (!Files.isReadable(bootJar)) {
      throw new IllegalStateException(
          "the boot jar of " + name + " is missing at " + bootJar + ": " + howToBuild);
    }
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
            "--server.port=" + freePort(),
            "--management.server.port=" + managementPort));
    command.addAll(args);
    try {
      Files.createDirectories(workDir.resolve(name + "-tmp"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> environment = new java.util.HashMap<>(NO_EXPORT);
    environment.putAll(env);
    return new BootService(
        name,
        managementPort,
        ChildProcess.start(name, command, environment, workDir, workDir.resolve(name + ".log")));
  }

  /** Waits until {@code /actuator/health} on the management port answers UP. */
  public void awaitHealthy(Duration timeout) {
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
              HttpRequest.newBuilder(managementUri().resolve("/actuator/health"))
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

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  /** Where actuator answers. */
  public URI managementUri() {
    return URI.create("http://127.0.0.1:" + managementPort);
  }

  /** GETs an actuator path on the management port and returns the body; fails unless 200. */
  public String getManagement(String path) {
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(managementUri().resolve(path))
                  .timeout(Duration.ofSeconds(30))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            name + " answered " + response.statusCode() + " on " + path + ": " + response.body());
      }
      return response.body();
    } catch (IOException e) {
      throw new IllegalStateException("cannot GET " + path + " of " + name, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public double cpuSeconds() {
    return ProcessCpu.seconds(process.pid());
  }

  public void failIfExited() {
    process.failIfExited();
  }

  public String tail(int lines) {
    return process.tail(lines);
  }

  /** SIGTERM without waiting, so several services stop side by side; {@link #close} waits. */
  public void terminate() {
    process.terminate();
  }

  @Override
  public void close() {
    process.close();
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port", e);
    }
  }
}
