package io.faultline.executor.probe.egress;

import static org.awaitility.Awaitility.await;

import io.faultline.executor.fault.local.NetworkNamespace;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real HTTP server for probes in a network namespace of its own ({@code probe/probe-server.py} on
 * {@link #PORT} at the namespace's 10.x address): plain pages, a redirect, oversized and slow
 * answers, and a Prometheus HTTP API.
 */
public final class ProbeServer implements AutoCloseable {
  public static final int PORT = 9090;

  private final NetworkNamespace namespace;
  private final Process server;

  public ProbeServer() {
    namespace = new NetworkNamespace();
    try {
      List<String> command = new ArrayList<>(namespace.launcher());
      command.addAll(List.of("python3", script().toString(), namespace.innerAddress, "" + PORT));
      server =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      await().atMost(Duration.ofSeconds(20)).until(() -> status(url("/health")) == 200);
    } catch (IOException | RuntimeException e) {
      namespace.close();
      throw new IllegalStateException("cannot start the probe server", e);
    }
  }

  /** The server's address (inside the namespace). */
  public String address() {
    return namespace.innerAddress;
  }

  /** This host's end of the namespace's link: an address of the executor's own host. */
  public String hostAddress() {
    return namespace.hostAddress;
  }

  public URI url(String pathAndQuery) {
    return URI.create("http://" + address() + ":" + PORT + pathAndQuery);
  }

  /** Runs a command inside the namespace (e.g. an iptables rule). */
  public String inside(String... command) {
    return namespace.inside(command);
  }

  private static Path script() {
    try {
      return Path.of(ProbeServer.class.getResource("/probe/probe-server.py").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int status(URI uri) {
    try (HttpClient client =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
      return client
          .send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.destroyForcibly();
    namespace.close();
  }
}
