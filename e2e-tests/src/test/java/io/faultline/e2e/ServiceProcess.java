package io.faultline.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Faultline service running from its boot jar in a child JVM (the JDK running the tests), its
 * output captured in a log file. Closing it stops the process: SIGTERM first (the service flushes
 * its spans on shutdown), then SIGKILL.
 */
final class ServiceProcess implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServiceProcess.class);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final int port;
  private final Path logFile;
  private final Process process;

  private ServiceProcess(String name, int port, Path logFile, Process process) {
    this.name = name;
    this.port = port;
    this.logFile = logFile;
    this.process = process;
  }

  /**
   * Starts {@code jar} with Spring Boot command-line properties {@code args} and extra environment.
   * The service listens on {@code port} (server and actuator).
   */
  static ServiceProcess start(
      String name, Path jar, int port, List<String> args, Map<String, String> env, Path workDir) {
    if (!Files.isReadable(jar)) {
      throw new IllegalStateException(
          "the boot jar of "
              + name
              + " is missing at "
              + jar
              + ": package the services first (./mvnw -B package -DskipTests, or run the whole"
              + " reactor, where they are packaged before e2e-tests)");
    }
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = new ArrayList<>();
    command.add(java);
    // Small, quick-starting JVMs: the tests run three services, Kafka, Zipkin and moto on 2 cores.
    command.add("-Xmx384m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-Djava.io.tmpdir=" + workDir.resolve(name + "-tmp"));
    command.add("-jar");
    command.add(jar.toString());
    command.add("--server.port=" + port);
    command.addAll(args);
    try {
      Files.createDirectories(workDir.resolve(name + "-tmp"));
      Path logFile = workDir.resolve(name + ".log");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(logFile.toFile());
      builder.environment().putAll(env);
      Process process = builder.start();
      log.info("started {} (pid {}) on port {}, log {}", name, process.pid(), port, logFile);
      ServiceProcess service = new ServiceProcess(name, port, logFile, process);
      Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
      return service;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + name + ": " + e.getMessage(), e);
    }
  }

  String name() {
    return name;
  }

  URI baseUri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Waits until actuator health answers UP; fails at once, with the log's tail, if it exits. */
  void awaitHealthy(Duration timeout) {
    try {
      await("health of " + name)
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(500))
          .ignoreExceptionsInstanceOf(IOException.class)
          .until(
              () -> {
                if (!process.isAlive()) {
                  throw new IllegalStateException(
                      name + " exited with " + process.exitValue() + "\n" + tail(80));
                }
                HttpResponse<String> response =
                    HTTP.send(
                        HttpRequest.newBuilder(baseUri().resolve("/actuator/health"))
                            .timeout(Duration.ofSeconds(2))
                            .GET()
                            .build(),
                        HttpResponse.BodyHandlers.ofString());
                return response.statusCode() == 200 && response.body().contains("\"UP\"");
              });
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          name + " did not become healthy: " + e.getMessage() + "\n" + tail(80), e);
    }
  }

  /** GETs a path of the service and returns the body; fails unless it answers 200. */
  String get(String path) {
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(baseUri().resolve(path))
                  .timeout(Duration.ofSeconds(10))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new AssertionError(
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

  /** The last {@code lines} lines of the service's output. */
  String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return "---- last lines of "
          + logFile
          + " ----\n"
          + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + logFile + ": " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        log.warn("{} ignored SIGTERM for 15 s; killing it", name);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
