package io.faultline.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import io.faultline.scheduler.state.StateJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small JSON client for the scheduler's REST API, as any other platform would call it. */
public final class Http {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String base;
  private final String token;
  private final String traceparent;

  Http(String base, String token) {
    this(base, token, null);
  }

  private Http(String base, String token, String traceparent) {
    this.base = base;
    this.token = token;
    this.traceparent = traceparent;
  }

  public Http as(String otherToken) {
    return new Http(base, otherToken, traceparent);
  }

  /** Sends a W3C traceparent header, as a traced pipeline would. */
  public Http traced(String value) {
    return new Http(base, token, value);
  }

  String base() {
    return base;
  }

  String token() {
    return token;
  }

  public record Response(int status, String contentType, JsonNode body, String raw) {
    /** The field of the first validation error, for problem+json answers. */
    public String firstField() {
      return body.path("errors").path(0).path("field").asText();
    }

    public boolean namesField(String field, String rule) {
      for (JsonNode e : body.path("errors")) {
        if (e.path("field").asText().equals(field) && e.path("rule").asText().equals(rule)) {
          return true;
        }
      }
      return false;
    }
  }

  public Response get(String path) {
    return send("GET", path, null);
  }

  public Response post(String path, Object body) {
    return send("POST", path, body);
  }

  public Response put(String path, Object body) {
    return send("PUT", path, body);
  }

  public Response delete(String path) {
    return send("DELETE", path, null);
  }

  Response send(String method, String path, Object body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (traceparent != null) {
      request.header("traceparent", traceparent);
    }
    HttpRequest.BodyPublisher publisher = HttpRequest.BodyPublishers.noBody();
    if (body != null) {
      byte[] json = body instanceof String s ? s.getBytes() : StateJson.write(body);
      publisher = HttpRequest.BodyPublishers.ofByteArray(json);
      request.header("Content-Type", "application/json");
    }
    request.method(method, publisher);
    try {
      HttpResponse<String> response =
          CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
      String raw = response.body();
      JsonNode json =
          raw == null || raw.isBlank() ? StateJson.mapper().missingNode() : parseOrText(raw);
      return new Response(
          response.statusCode(),
          response.headers().firstValue("Content-Type").orElse(""),
          json,
          raw);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode parseOrText(String raw) {
    try {
      return StateJson.mapper().readTree(raw);
    } catch (IOException e) {
      return StateJson.mapper().getNodeFactory().textNode(raw);
    }
  }
}
