package io.faultline.cli.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.faultline.cli.CliException;
import io.faultline.cli.ExitCode;
import io.faultline.cli.auth.TokenSource;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The scheduler's REST API as the CLI uses it: bearer token from a {@link TokenSource}, JSON in and
 * out, problem+json errors turned into {@link ApiException}s, an unreachable platform into {@link
 * ExitCode#UNAVAILABLE}.
 */
public final class SchedulerClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final URI base;
  private final TokenSource tokens;
  private final HttpClient http;

  public SchedulerClient(URI base, TokenSource tokens) {
    this.base = base;
    this.tokens = tokens;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  public URI base() {
    return base;
  }

  /** A path segment, escaped (ids are validated by the platform, not trusted here). */
  public static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** GET a JSON document. */
  public JsonNode get(String what, String path) {
    return send(what, request(path).GET().build());
  }

  /** POST a JSON body (or none) and read the JSON answer (empty object for an empty body). */
  public JsonNode post(String what, String path, Map<String, ?> body) {
    HttpRequest.BodyPublisher publisher;
    try {
      publisher =
          body == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new CliException(ExitCode.SOFTWARE, "cannot write the request body: " + e.getMessage());
    }
    HttpRequest.Builder request = request(path).POST(publisher);
    if (body != null) {
      request.header("content-type", "application/json");
    }
    return send(what, request.build());
  }

  /**
   * Opens a Server-Sent Events stream; the answer's lines, read as they arrive. The caller closes
   * the stream.
   */
  public Stream<String> stream(String what, String path) {
    HttpRequest request =
        HttpRequest.newBuilder(resolve(path))
            .header("accept", "text/event-stream")
            .header("authorization", "Bearer " + tokens.token())
            .GET()
            .build();
    HttpResponse<Stream<String>> response =
        exchange(what, request, HttpResponse.BodyHandlers.ofLines());
    if (response.statusCode() != 200) {
      String body;
      try (Stream<String> lines = response.body()) {
        body = String.join("\n", lines.limit(100).toList());
      }
      throw error(what, response.statusCode(), body);
    }
    return response.body();
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(resolve(path))
        .timeout(REQUEST_TIMEOUT)
        .header("accept", "application/json, application/problem+json")
        .header("authorization", "Bearer " + tokens.token());
  }

  private URI resolve(String path) {
    String root = base.toString().endsWith("/") ? base.toString() : base + "/";
    return URI.create(root).resolve(path.startsWith("/") ? path.substring(1) : path);
  }

  private JsonNode send(String what, HttpRequest request) {
    HttpResponse<String> response = exchange(what, request, HttpResponse.BodyHandlers.ofString());
    int status = response.statusCode();
    if (status < 200 || status >= 300) {
      throw error(what, status, response.body());
    }
    String body = response.body();
    if (body == null || body.isBlank()) {
      return JSON.createObjectNode();
    }
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new CliException(
          ExitCode.SOFTWARE, what + ": the platform's answer is not JSON (" + status + ")");
    }
  }

  private <T> HttpResponse<T> exchange(
      String what, HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    try {
      return http.send(request, handler);
    } catch (IOException e) {
      throw new CliException(
          ExitCode.UNAVAILABLE,
          what
              + ": the platform at "
              + base
              + " cannot be reached ("
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
              + "); check --url / FAULTLINE_URL",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCode.UNAVAILABLE, what + ": interrupted");
    }
  }

  private static ApiException error(String what, int status, String body) {
    Problem problem = Problem.of(status, body);
    String hint =
        switch (status) {
          case 401 ->
              "the token was not accepted (expired, another audience, or not a token of this"
                  + " platform): check FAULTLINE_TOKEN, --token-file or the client credentials";
          case 403 -> "the token's tenant or roles do not allow this";
          default -> null;
        };
    return new ApiException(what, problem, hint);
  }
}
