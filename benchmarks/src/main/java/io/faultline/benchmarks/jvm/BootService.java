package io.faultline.benchmarks.jvm;

import io.faultline.local.ServiceProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One service from its boot jar in a child JVM with the JVM options the driver gives (the deployed
 * image's: full JIT, default collector) rather than local-platform's quick-start ones: a {@link
 * ServiceProcess} on free ports whose spans are made but exported nowhere, with the benchmarks' own
 * needs (its CPU seconds, the build command when the jar is missing) added.
 */
public final class BootService implements AutoCloseable {
  private static final Map<String, String> NO_EXPORT =
      Map.of(
          "OTEL_TRACES_EXPORTER", "none",
          "OTEL_METRICS_EXPORTER", "none",
          "OTEL_LOGS_EXPORTER", "none");

  private final ServiceProcess process;

  private BootService(ServiceProcess process) {
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
    Map<String, String> environment = new HashMap<>(NO_EXPORT);
    environment.putAll(env);
    return new BootService(
        ServiceProcess.start(
            name, bootJar, jvmOptions, freePort(), freePort(), args, environment, workDir));
  }

  /** Waits until {@code /actuator/health} on the management port answers UP. */
  public void awaitHealthy(Duration timeout) {
    process.awaitHealthy(timeout);
  }

  public String name() {
    return process.name();
  }

  public long pid() {
    return process.pid();
  }

  public URI managementUri() {
    return process.managementUri();
  }

  /** GETs an actuator path on the management port, e.g. {@code /actuator/prometheus}. */
  public String getManagement(String path) {
    return process.getManagement(path);
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
