package io.faultline.scheduler.security;

import java.time.Instant;
import java.util.List;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;

/** Mints local development tokens (only exists in local mode). */
public final class DevTokens {
  private final JwtEncoder encoder;
  private final SecurityProperties properties;

  DevTokens(JwtEncoder encoder, SecurityProperties properties) {
    this.encoder = encoder;
    this.properties = properties;
  }

  /**
   * A signed token.
   *
   * @param tenantId the tenant claim, or null for a platform token
   * @param roles viewer, operator and/or admin
   */
  public String mint(String subject, String tenantId, List<String> roles) {
    Instant now = Instant.now();
    JwtClaimsSet.Builder claims =
        JwtClaimsSet.builder()
            .issuer("faultline-local")
            .subject(subject)
            .audience(List.of(properties.audience()))
            .issuedAt(now)
            .expiresAt(now.plus(properties.devTokens().ttl()))
            .claim(properties.rolesClaim(), roles);
    if (tenantId != null) {
      claims.claim(properties.tenantClaim(), tenantId);
    }
    return encoder
        .encode(
            JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), claims.build()))
        .getTokenValue();
  }
}
