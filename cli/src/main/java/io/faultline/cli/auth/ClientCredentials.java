package io.faultline.cli.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.faultline.cli.CliException;
import io.faultline.cli.ExitCode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * OAuth 2.0 client credentials grant (RFC 6749 §4.4): the client authenticates with HTTP Basic
 * ({@code client_secret_basic}, §2.3.1) and the token is reused until shortly before it expires.
 */
public final class ClientCredentials implements TokenSource {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A token is renewed this long before its expiry, so no request carries one that just died. */
  private static final Duration MARGIN = Duration.ofSeconds(30);

  private final URI tokenUrl;
  private final String clientId;
  private final String clientSecret;
  private final String scope;
  private final Clock clock;
  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(10))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();
  private String token;
  private Instant renewAt = Instant.MIN;

  ClientCredentials(URI tokenUrl, String clientId, String clientSecret, String scope, Clock clock) {
    this.tokenUrl = tokenUrl;
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.scope = scope;
    this.clock = clock;
  }

  @Override
  public synchronized String token() {
    if (token == null || !clock.instant().isBefore(renewAt)) {
      fetch();
    }
    return token;
  }

  @Override
  public String describe() {
    return "client credentials of " + clientId + " at " + tokenUrl;
  }

  @Override
  public String toString() {
    return "ClientCredentials[" + clientId + " at " + tokenUrl + "]";
  }

  private void fetch() {
    StringBuilder form = new StringBuilder("grant_type=client_credentials");
    if (scope != null) {
      form.append("&scope=").append(encode(scope));
    }
    String basic =
        Base64.getEncoder()
            .encodeToString(
                (encode(clientId) + ":" + encode(clientSecret)).getBytes(StandardCharsets.UTF_8));
    HttpRequest request =
        HttpRequest.newBuilder(tokenUrl)
            .timeout(Duration.ofSeconds(30))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .header("authorization", "Basic " + basic)
            .POST(HttpRequest.BodyPublishers.ofString(form.toString()))
            .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new CliException(
          ExitCode.UNAVAILABLE,
          "the token endpoint " + tokenUrl + " cannot be reached (" + e.getMessage() + ")",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCode.UNAVAILABLE, "interrupted while fetching a token");
    }
    JsonNode body = readJson(response.body());
    if (response.statusCode() != 200) {
      // RFC 6749 §5.2: error and error_description name what is wrong, never the secret.
      String error = body.path("error").asText("");
      String description = body.path("error_description").asText("");
      throw new CliException(
          response.statusCode() >= 500 ? ExitCode.UNAVAILABLE : ExitCode.NOT_PERMITTED,
          "the token endpoint "
              + tokenUrl
              + " refused client "
              + clientId
              + ": "
              + response.statusCode()
              + (error.isEmpty() ? "" : " " + error)
              + (description.isEmpty() ? "" : ": " + description));
    }
    String accessToken = body.path("access_token").asText("");
    if (accessToken.isEmpty()) {
      throw new CliException(
          ExitCode.NOT_PERMITTED,
          "the token endpoint " + tokenUrl + " answered without an access_token");
    }
    long expiresIn = body.path("expires_in").asLong(300);
    token = new StaticToken(accessToken, "the token endpoint's access_token").token();
    Duration lifetime = Duration.ofSeconds(Math.max(0, expiresIn));
    renewAt =
        clock
            .instant()
            .plus(
                lifetime.compareTo(MARGIN.multipliedBy(2)) > 0
                    ? lifetime.minus(MARGIN)
                    : lifetime.dividedBy(2));
  }

  private static JsonNode readJson(String body) {
    try {
      return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
