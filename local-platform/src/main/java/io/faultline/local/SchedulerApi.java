package io.faultline.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The scheduler's REST API as a pipeline calls it: a bearer token (minted by the service itself in
 * local mode) and, on "run now", the caller's W3C {@code traceparent} header.
 */
public final class SchedulerApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final URI base;
  private final String tenant;
  private final String token;

  private SchedulerApi(URI base, String tenant, String token) {
    this.base = base;
    this.tenant = tenant;
    this.token = token;
  }

  /**
   * Signs in as an admin of {@code tenant} with a development token (subject {@code faultline}).
   */
  public static SchedulerApi admin(URI base, String tenant) {
    return admin(base, tenant, "faultline");
  }

  /** Signs in as {@code subject}, an admin of {@code tenant}, with a development token. */
  public static SchedulerApi admin(URI base, String tenant, String subject) {
    JsonNode answer =
        send(
            base,
            null,
            "POST",
            "/dev/tokens",
            Map.of("subject", subject, "tenantId", tenant, "roles", List.of("admin")),
            Map.of(),
            200);
    return new SchedulerApi(base, tenant, answer.path("token").asText());
  }

  /** Registers an account; the platform generates its external id. */
  public JsonNode registerAccount(String accountId, String roleArn, String region) {
    return send(
        base,
        token,
        "PUT",
        "/api/v1/tenants/" + tenant + "/accounts/" + accountId,
        Map.of("roleArn", roleArn, "regions", List.of(region)),
        Map.of(),
        200,
        201);
  }

  /** Puts the tenant's policy (the platform fills in tenant, revision and accounts). */
  public JsonNode putPolicy(ObjectNode policy) {
    return send(
        base, token, "PUT", "/api/v1/tenants/" + tenant + "/policy", policy, Map.of(), 200, 201);
  }

  /** Creates an experiment and returns its id. */
  public String createExperiment(Map<String, Object> experiment) {
    return send(
            base,
            token,
            "POST",
            "/api/v1/tenants/" + tenant + "/experiments",
            experiment,
            Map.of(),
            201)
        .path("experimentId")
        .asText();
  }

  /** Runs an experiment now within the caller's trace (none when null); returns the run id. */
  public String runNow(String experimentId, String traceparent) {
    return send(
            base,
            token,
            "POST",
            "/api/v1/tenants/" + tenant + "/experiments/" + experimentId + "/runs",
            null,
            traceparent == null ? Map.of() : Map.of("traceparent", traceparent),
            202)
        .path("runId")
        .asText();
  }

  /** A run: status, waves, faults and its timeline. */
  public JsonNode run(String runId) {
    return send(
        base, token, "GET", "/api/v1/tenants/" + tenant + "/runs/" + runId, null, Map.of(), 200);
  }

  /** The bearer token, for callers that build their own requests. */
  public String token() {
    return token;
  }

  private static JsonNode send(
      URI base,
      String token,
      String method,
      String path,
      Object body,
      Map<String, String> headers,
      int... expected) {
    try {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(base.resolve(path))
              .timeout(Duration.ofSeconds(30))
              .header("accept", "application/json")
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
      if (body != null) {
        request.header("content-type", "application/json");
      }
      if (token != null) {
        request.header("authorization", "Bearer " + token);
      }
      headers.forEach(request::header);
      HttpResponse<String> response =
          HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      for (int status : expected) {
        if (response.statusCode() == status) {
          return response.body().isBlank()
              ? JSON.createObjectNode()
              : JSON.readTree(response.body());
        }
      }
      throw new IllegalStateException(
          method + " " + path + " answered " + response.statusCode() + ": " + response.body());
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
