package io.faultline.executor.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import io.faultline.executor.ExecutorApplication;
import io.faultline.executor.TestFaults;
import io.faultline.testsupport.MotoServer;
import io.faultline.testsupport.TestKafka;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

/**
 * Calls an executor's halt endpoint over HTTP with tokens made as the scheduler's local mode makes
 * them (HS256 with the shared development secret, audience {@code faultline}).
 */
final class HaltClient {
  /** The development secret the scheduler and the executors under test share (≥ 32 bytes). */
  static final String SECRET = "halt-it-development-secret-0123456789";

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final String base;

  HaltClient(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  record Response(int status, String contentType, JsonNode body, String authenticate) {}

  /** A development token signed with {@code secret}; {@code tenant} null for a platform token. */
  static String token(String secret, String subject, String tenant, String audience, String role) {
    NimbusJwtEncoder encoder =
        new NimbusJwtEncoder(
            new ImmutableSecret<>(
                new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256")));
    Instant now = Instant.now();
    JwtClaimsSet.Builder claims =
        JwtClaimsSet.builder()
            .issuer("faultline-local")
            .subject(subject)
            .audience(List.of(audience))
            .issuedAt(now)
            .expiresAt(now.plusSeconds(600))
            .claim("roles", List.of(role));
    if (tenant != null) {
      claims.claim("tenant", tenant);
    }
    return encoder
        .encode(
            JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), claims.build()))
        .getTokenValue();
  }

  static String admin(String subject, String tenant) {
    return token(SECRET, subject, tenant, "faultline", "admin");
  }

  /**
   * The deployable on the test broker and moto, with {@code security} settings added (e.g. the
   * development tokens); AWS commands succeed at once (moto), the pre-check is skipped.
   */
  static ConfigurableApplicationContext executor(String name, String... security) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server.port=0",
                "--management.server.port=0",
                "--spring.kafka.bootstrap-servers=" + TestKafka.bootstrapServers(),
                "--faultline.executor.group-id=" + TestFaults.unique(name),
                "--faultline.executor.executor-id=" + name,
                "--faultline.executor.session-timeout=6s",
                "--faultline.executor.precheck.ssm-online=skip",
                "--faultline.executor.aws.endpoint=" + MotoServer.shared().endpoint(),
                "--faultline.executor.aws.max-attempts=2",
                "--faultline.executor.run.poll-initial=100ms",
                "--faultline.executor.heartbeat-interval=1s",
                "--otel.traces.exporter=none"));
    args.addAll(List.of(security));
    return SpringApplication.run(ExecutorApplication.class, args.toArray(String[]::new));
  }

  static HaltClient of(ConfigurableApplicationContext executor) {
    return new HaltClient(
        Integer.parseInt(executor.getEnvironment().getProperty("local.server.port")));
  }

  /** A client of the executor's management port (actuator). */
  static HaltClient management(ConfigurableApplicationContext executor) {
    return new HaltClient(
        Integer.parseInt(executor.getEnvironment().getProperty("local.management.port")));
  }

  Response post(String path, String token, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("authorization", "Bearer " + token);
    }
    return send(request.build());
  }

  Response get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET().build());
  }

  private Response send(HttpRequest request) {
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      String text = response.body();
      return new Response(
          response.statusCode(),
          response.headers().firstValue("content-type").orElse(""),
          text == null || text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text),
          response.headers().firstValue("www-authenticate").orElse(null));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
