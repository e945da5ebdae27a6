package io.faultline.executor.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code faultline.security.*}: the same names and defaults as the scheduler's, so one set of
 * settings describes the principals both accept.
 *
 * @param tenantClaim the JWT claim holding the caller's tenant id (absent: a platform token)
 * @param rolesClaim the JWT claim holding the caller's roles (viewer, operator, admin)
 * @param audience the audience ({@code aud}) every token must name
 * @param devTokens the scheduler's local development tokens
 */
@ConfigurationProperties("faultline.security")
public record SecuritySettings(
    String tenantClaim, String rolesClaim, String audience, DevTokens devTokens) {
  public SecuritySettings {
    tenantClaim = tenantClaim == null ? "tenant" : tenantClaim;
    rolesClaim = rolesClaim == null ? "roles" : rolesClaim;
    audience = audience == null || audience.isBlank() ? "faultline" : audience;
    devTokens = devTokens == null ? new DevTokens(false, null) : devTokens;
  }

  /**
   * @param enabled accept the scheduler's development tokens (the {@code local} profile)
   * @param secret the scheduler's HMAC-SHA256 key ({@code FAULTLINE_DEV_SECRET}, at least 32
   *     bytes); empty: no development token can be checked, so every call is refused
   */
  public record DevTokens(boolean enabled, String secret) {
    /** The secret's value is never part of a string that could reach a log. */
    @Override
    public String toString() {
      return "DevTokens[enabled="
          + enabled
          + ", secret="
          + (secret == null || secret.isEmpty() ? "(none)" : "***")
          + "]";
    }
  }
}
