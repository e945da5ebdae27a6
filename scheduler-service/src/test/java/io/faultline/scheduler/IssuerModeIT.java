package io.faultline.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

/**
 * Production mode: tokens come from an identity provider (here its RSA public key, Spring Boot's
 * {@code public-key-location}), the audience is checked, and {@code /dev/tokens} does not exist.
 */
class IssuerModeIT {
  private static SchedulerInstance app;
  private static NimbusJwtEncoder idp;
  private static Path publicKey;

  @BeforeAll
  static void start() throws IOException, NoSuchAlgorithmException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair keys = generator.generateKeyPair();
    publicKey = Files.createTempFile("idp-", ".pem");
    Files.writeString(
        publicKey,
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(keys.getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----\n");
    RSAKey jwk =
        new RSAKey.Builder((RSAPublicKey) keys.getPublic())
            .privateKey((RSAPrivateKey) keys.getPrivate())
            .build();
    idp = new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(jwk)));
    app =
        SchedulerInstance.start(
            "sched-issuer-" + UUID.randomUUID(),
            Clock.systemUTC(),
            Map.of(
                "faultline.security.dev-tokens.enabled", "false",
                "faultline.security.dev-tokens.secret", "",
                "spring.security.oauth2.resourceserver.jwt.public-key-location",
                    "file:" + publicKey));
  }

  @AfterAll
  static void stop() throws IOException {
    if (app != null) {
      app.close();
    }
    Files.deleteIfExists(publicKey);
  }

  private static String issued(UnaryOperator<JwtClaimsSet.Builder> claims) {
    Instant now = Instant.now();
    JwtClaimsSet.Builder builder =
        JwtClaimsSet.builder()
            .issuer("https://idp.example")
            .subject("alice")
            .issuedAt(now)
            .expiresAt(now.plusSeconds(300))
            .claim("tenant", "t-issuer")
            .claim("roles", List.of("admin"));
    return idp.encode(
            JwtEncoderParameters.from(
                JwsHeader.with(SignatureAlgorithm.RS256).build(), claims.apply(builder).build()))
        .getTokenValue();
  }

  private static Http.Response experiments(String token) {
    return app.anonymous().as(token).get("/api/v1/tenants/t-issuer/experiments");
  }

  @Test
  void acceptsTheIdentityProvidersTokensForTheFaultlineAudience() {
    assertThat(experiments(issued(c -> c.audience(List.of("faultline")))).status()).isEqualTo(200);
  }

  @Test
  void refusesTheIdentityProvidersTokensForAnotherAudienceOrNone() {
    Http.Response other = experiments(issued(c -> c.audience(List.of("billing-api"))));
    assertThat(other.status()).isEqualTo(401);
    assertThat(other.contentType()).startsWith("application/problem+json");
    assertThat(experiments(issued(c -> c)).status()).isEqualTo(401);
  }

  @Test
  void hasNoDevelopmentTokenEndpoint() {
    Map<String, Object> body =
        Map.of("subject", "mallory", "tenantId", "t-issuer", "roles", List.of("admin"));
    Http.Response anonymous = app.anonymous().post("/dev/tokens", body);
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(anonymous.body().has("token")).isFalse();
    Http.Response signedIn =
        app.anonymous().as(issued(c -> c.audience(List.of("faultline")))).post("/dev/tokens", body);
    assertThat(signedIn.status()).isEqualTo(404);
  }
}
