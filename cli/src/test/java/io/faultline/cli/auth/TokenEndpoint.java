package io.faultline.cli.auth;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An OAuth2 token endpoint stand-in on loopback (JDK HttpServer): answers each POST with the next
 * configured answer and records what it was sent.
 */
final class TokenEndpoint implements AutoCloseable {
  /** What a client sent: its Authorization header and form body. */
  record Call(String authorization, String contentType, String body) {}

  private final HttpServer server;
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private volatile int status = 200;
  private volatile String answer;

  TokenEndpoint() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/oauth/token",
        exchange -> {
          calls.add(
              new Call(
                  exchange.getRequestHeaders().getFirst("authorization"),
                  exchange.getRequestHeaders().getFirst("content-type"),
                  new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
          byte[] body = answer.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("content-type", "application/json");
          exchange.sendResponseHeaders(status, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  /** Answers the next calls with {@code status} and {@code body}. */
  TokenEndpoint answering(int newStatus, String body) {
    status = newStatus;
    answer = body;
    return this;
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/oauth/token");
  }

  List<Call> calls() {
    return calls;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
