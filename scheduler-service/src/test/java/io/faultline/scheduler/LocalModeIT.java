package io.faultline.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.source.ImmutableSecret;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

/**
 * Local mode over HTTP: development tokens are minted for loopback callers only, and a token is
 * accepted only for the configured audience, even when signed with the right key.
 */
@ExtendWith(SharedScheduler.class)
class LocalModeIT {
  private static SchedulerInstance app;

  @BeforeAll
  static void start() {
    app = SharedScheduler.get();
  }

  /** A token signed with the instance's own development key, with the claims as adjusted. */
  private static String signed(UnaryOperator<JwtClaimsSet.Builder> claims) {
    NimbusJwtEncoder encoder =
        new NimbusJwtEncoder(
            new ImmutableSecret<>(
                new SecretKeySpec(
                    SchedulerInstance.DEV_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256")));
    Instant now = Instant.now();
    JwtClaimsSet.Builder builder =
        JwtClaimsSet.builder()
            .subject("mallory")
            .issuedAt(now)
            .expiresAt(now.plusSeconds(300))
            .claim("tenant", "t-audience")
            .claim("roles", List.of("admin"));
    return encoder
        .encode(
            JwtEncoderParameters.from(
                JwsHeader.with(MacAlgorithm.HS256).build(), claims.apply(builder).build()))
        .getTokenValue();
  }

  private static int experiments(String token) {
    return app.anonymous().as(token).get("/api/v1/tenants/t-audience/experiments").status();
  }

  @Test
  void acceptsATokenOnlyForItsAudience() {
    assertThat(experiments(signed(c -> c.audience(List.of("faultline"))))).isEqualTo(200);
    assertThat(experiments(signed(c -> c.audience(List.of("billing", "faultline")))))
        .isEqualTo(200);
    assertThat(experiments(signed(c -> c.audience(List.of("billing"))))).isEqualTo(401);
    assertThat(experiments(signed(c -> c))).isEqualTo(401);
    Http.Response refused =
        app.anonymous()
            .as(signed(c -> c.audience(List.of("faultline-staging"))))
            .get("/api/v1/tenants/t-audience/experiments");
    assertThat(refused.contentType()).startsWith("application/problem+json");
  }

  @Test
  void mintsDevelopmentTokensForLoopbackCallers() {
    Map<String, Object> body =
        Map.of("subject", "alice", "tenantId", "t-loopback", "roles", List.of("viewer"));
    Http.Response viaIpv4 =
        new Http("http://127.0.0.1:" + app.port(), null).post("/dev/tokens", body);
    assertThat(viaIpv4.status()).isEqualTo(200);
    Http.Response viaIpv6 = new Http("http://[::1]:" + app.port(), null).post("/dev/tokens", body);
    assertThat(viaIpv6.status()).isEqualTo(200);
  }

  @Test
  void refusesToMintForACallerOnAnotherAddress() {
    Optional<InetAddress> address = nonLoopbackAddress();
    // CI runs every test: a host without a non-loopback address is a failure, not a skip.
    assertThat(address)
        .as("a non-loopback address of this host to call /dev/tokens from")
        .isPresent();
    String host = address.get().getHostAddress();
    Http remote = new Http("http://" + host + ":" + app.port(), null);
    Http.Response r =
        remote.post(
            "/dev/tokens",
            Map.of("subject", "mallory", "tenantId", "t-remote", "roles", List.of("admin")));
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.body().path("rule").asText()).isEqualTo("loopbackOnly");
    assertThat(r.body().has("token")).isFalse();
    // The API itself still answers on that address: only the minting is local.
    assertThat(
            remote
                .as(app.token("t-remote", "viewer"))
                .get("/api/v1/tenants/t-remote/experiments")
                .status())
        .isEqualTo(200);
  }

  private static Optional<InetAddress> nonLoopbackAddress() {
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nic.isUp() || nic.isLoopback()) {
          continue;
        }
        for (InetAddress a : Collections.list(nic.getInetAddresses())) {
          if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
            return Optional.of(a);
          }
        }
      }
    } catch (SocketException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }
}
