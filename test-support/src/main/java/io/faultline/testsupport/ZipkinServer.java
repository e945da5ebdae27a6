package io.faultline.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real Zipkin server (in-memory storage) started on a free loopback port, one per JVM, for tests
 * that assert on traces through Zipkin's HTTP API. The server jar comes from Maven Central ({@code
 * io.zipkin:zipkin-server:3.6.1:exec}); its path is the system property {@code
 * faultline.zipkin.jar} or the local Maven repository's copy.
 */
public final class ZipkinServer {
  private static ZipkinServer instance;

  private final int port;
  private final Process process;
  private final HttpClient http = HttpClient.newHttpClient();

  private ZipkinServer(int port, Process process) {
    this.port = port;
    this.process = process;
  }

  public static synchronized ZipkinServer shared() {
    if (instance == null || !instance.process.isAlive()) {
      instance = start();
    }
    return instance;
  }

  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** Where OpenTelemetry's Zipkin exporter sends spans. */
  public URI spansEndpoint() {
    return baseUri().resolve("/api/v2/spans");
  }

  /** The JSON of a trace (Zipkin v2 format), if Zipkin has it. */
  public Optional<String> trace(String traceId) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(baseUri().resolve("/api/v2/trace/" + traceId)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
    } catch (IOException e) {
      throw new IllegalStateException("cannot query Zipkin at " + baseUri(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static ZipkinServer start() {
    Path jar =
        Path.of(
            System.getProperty(
                "faultline.zipkin.jar",
                System.getProperty("user.home")
                    + "/.m2/repository/io/zipkin/zipkin-server/3.6.1/zipkin-server-3.6.1-exec.jar"));
    if (!Files.isReadable(jar)) {
      throw new IllegalStateException(
          "Zipkin's server jar is missing at " + jar + " (io.zipkin:zipkin-server:3.6.1:exec)");
    }
    int port = LoopbackPorts.free();
    try {
      Path log = Files.createTempFile("zipkin-", ".log");
      ProcessBuilder builder =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx256m",
                  "-jar",
                  jar.toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      builder.environment().put("QUERY_PORT", Integer.toString(port));
      builder.environment().put("STORAGE_TYPE", "mem");
      Process process = builder.start();
      Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
      Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
      while (!LoopbackPorts.listening(port)) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "Zipkin exited: " + Files.readString(log).lines().limit(20).toList());
        }
        if (Instant.now().isAfter(deadline)) {
          process.destroy();
          throw new IllegalStateException("Zipkin did not listen on " + port + " within 60 s");
        }
        process.waitFor(100, TimeUnit.MILLISECONDS);
      }
      return new ZipkinServer(port, process);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start Zipkin: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
