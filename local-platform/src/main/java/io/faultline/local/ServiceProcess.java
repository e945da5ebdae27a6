package io.faultline.local;

import java.io.IOException;
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
 * One Faultline service from its boot jar in a child JVM (the JDK running this code), small and
 * quick to start, output in {@code <workDir>/<name>.log}, its API on one port and actuator on
 * another (the management port), ready when {@code /actuator/health} there says UP, stopped by
 * SIGTERM (flushes spans) and then SIGKILL.
 */
public final class ServiceProcess implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final int port;
  private final int managementPort;
  private final ChildProcess process;

  private ServiceProcess(String name, int port, int managementPort, ChildProcess process) {
    this.name = name;
    this.port = port;
    this.managementPort = managementPort;
    this.process = process;
  }

  /**
   * Starts {@code jar} with {@code --server.port=port}, {@code
   * --management.server.port=managementPort} and {@code args}, {@code env} added to the
   * environment; fails with how to build it when the jar is missing.
   */
  public static ServiceProcess start(
      String name,
      Path jar,
      int port,
      int managementPort,
      List<String> args,
      Map<String, String> env,
      Path workDir) {
    return start(name, jar, QUICK_START_JVM, port, managementPort, args, env, workDir);
  }

  /**
   * Small, quick-starting JVMs: three services, Kafka, Zipkin and moto share a laptop or 2 cores.
   * Full speed is the deployed image's JVM ({@link #IMAGE_JVM}).
   */
  public static final List<String> QUICK_START_JVM =
      List.of("-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  /**
   * The images' JVM (full JIT, the default collector) with the heap capped at 512 MiB: what
   * benchmarks measure.
   */
  public static final List<String> IMAGE_JVM = List.of("-Xmx512m", "-XX:+ExitOnOutOfMemoryError");

  /** {@link #start(String, Path, int, int, List, Map, Path)} with these JVM options. */
  public static ServiceProcess start(
      String name,
      Path jar,
      List<String> jvmOptions,
      int port,
      int managementPort,
      List<String> args,
      Map<String, String> env,
      Path workDir) {
    if (!Files.isReadable(jar)) {
      throw new IllegalStateException(
          "the boot jar of "
              + name
              + " is missing at "
              + jar
              + ": package the services first (./mvnw -B package -DskipTests)");
    }
    List<String> command = new ArrayList<>();
    command.add(javaCommand());
    command.addAll(jvmOptions);
    command.add("-Djava.io.tmpdir=" + workDir.resolve(name + "-tmp"));
    command.add("-jar");
    command.add(jar.toString());
    command.add("--server.port=" + port);
    command.add("--management.server.port=" + managementPort);
    command.addAll(args);
    try {
      Files.createDirectories(workDir.resolve(name + "-tmp"));
    } catch (IOException e) {
      throw new IllegalStateException("cannot create " + workDir.resolve(name + "-tmp"), e);
    }
    return new ServiceProcess(
        name,
        port,
        managementPort,
        ChildProcess.start(name, command, env, workDir, workDir.resolve(name + ".log")));
  }

  /** The java launcher of the running JVM, so children run on the same JDK. */
  static String javaCommand() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  public String name() {
    return name;
  }

  public int port() {
    return port;
  }

  /** The management port: actuator (health, {@code /actuator/prometheus}). */
  public int managementPort() {
    return managementPort;
  }

  public long pid() {
    return process.pid();
  }

  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** Where actuator answers. */
  public URI managementUri() {
    return URI.create("http://127.0.0.1:" + managementPort);
  }

  public Path logFile() {
    return process.logFile();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Waits until actuator health answers UP; fails at once, with the log's tail, if it exits. */
  public void awaitHealthy(Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (!healthy()) {
      process.failIfExited();
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            name + " did not become healthy within " + timeout + "\n" + tail(80));
      }
      ChildProcess.pause(Duration.ofMillis(500));
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

  /** GETs a path of the service's API and returns the body; fails unless it answers 200. */
  public String get(String path) {
    return get(baseUri(), path);
  }

  /** GETs an actuator path on the management port, e.g. {@code /actuator/prometheus}. */
  public String getManagement(String path) {
    return get(managementUri(), path);
  }

  /** The service's Prometheus scrape ({@code /actuator/prometheus} on its management port). */
  public Prometheus prometheus() {
    return Prometheus.parse(getManagement("/actuator/prometheus"));
  }

  private String get(URI base, String path) {
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(base.resolve(path))
                  .timeout(Duration.ofSeconds(10))
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

  /** Fails, with the output's tail, if the service has exited. */
  public void failIfExited() {
    process.failIfExited();
  }

  /** The last {@code lines} lines of the service's output. */
  public String tail(int lines) {
    return process.tail(lines);
  }

  /** Asks the service to stop without waiting (SIGTERM); {@link #close()} waits. */
  public void terminate() {
    process.terminate();
  }

  @Override
  public void close() {
    process.close();
  }
}
