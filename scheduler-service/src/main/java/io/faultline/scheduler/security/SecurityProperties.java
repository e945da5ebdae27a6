package io.faultline.scheduler.security;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Security settings ({@code faultline.security.*}).
 *
 * @param tenantClaim the JWT claim holding the caller's tenant id
 * @param rolesClaim the JWT claim holding the caller's roles (viewer, operator, admin)
 * @param audience the audience ({@code aud}) every token must name, issuer and development tokens
 *     alike; a token for another audience is refused (401)
 * @param devTokens local development tokens: HMAC-signed JWTs minted by {@code POST /dev/tokens}
 */
@ConfigurationProperties("faultline.security")
@Validated
public record SecurityProperties(
    @NotBlank String tenantClaim,
    @NotBlank String rolesClaim,
    String audience,
    @Valid DevTokens devTokens) {
  public SecurityProperties {
    tenantClaim = tenantClaim == null ? "tenant" : tenantClaim;
    rolesClaim = rolesClaim == null ? "roles" : rolesClaim;
    audience = audience == null || audience.isBlank() ? "faultline" : audience;
    devTokens = devTokens == null ? new DevTokens(false, null, null) : devTokens;
  }

  /**
   * @param enabled off by default; {@code application-local.yml} turns it on
   * @param secret the HMAC-SHA256 key, at least 32 bytes; empty (the default): a random 256-bit key
   *     generated at each start, so tokens die with the process
   * @param ttl how long a minted token is valid
   */
  public record DevTokens(
      boolean enabled,
      String secret,
      @DurationMin(millis = 1, message = "must be positive") Duration ttl) {
    public DevTokens {
      ttl = ttl == null ? Duration.ofHours(12) : ttl;
    }

    /** The secret's value is never part of a string that could reach a log. */
    @Override
    public String toString() {
      return "DevTokens[enabled="
          + enabled
          + ", secret="
          + (secret == null || secret.isEmpty() ? "(random per start)" : "***")
          + ", ttl="
          + ttl
          + "]";
    }
  }
}
