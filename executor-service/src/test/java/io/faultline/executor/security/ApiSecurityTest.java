package io.faultline.executor.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtDecoder;

/** Which tokens the halt endpoint checks, and with what; unsafe combinations stop the start. */
class ApiSecurityTest {
  private static final String SECRET = "0123456789abcdef0123456789abcdef";

  private static SecuritySettings settings(boolean devTokens, String secret) {
    return new SecuritySettings(
        null, null, null, new SecuritySettings.DevTokens(devTokens, secret));
  }

  @Test
  void refusesEveryTokenWithoutAnIdentityProvider() {
    ApiSecurity.TokenCheck check =
        ApiSecurity.tokenCheck(settings(false, null), null, new MockEnvironment());

    assertThat(check.refusal()).contains("no identity provider");
    assertThatThrownBy(() -> check.decoder().decode("anything"))
        .isInstanceOf(BadJwtException.class);
  }

  @Test
  void usesTheIdentityProvidersDecoderWhenOneIsConfigured() {
    JwtDecoder issuer =
        token -> {
          throw new BadJwtException("issuer's");
        };

    ApiSecurity.TokenCheck check =
        ApiSecurity.tokenCheck(settings(false, null), issuer, new MockEnvironment());

    assertThat(check.decoder()).isSameAs(issuer);
    assertThat(check.refusal()).isNull();
  }

  @Test
  void refusesEveryTokenWhenDevelopmentTokensHaveNoSharedSecret() {
    ApiSecurity.TokenCheck check =
        ApiSecurity.tokenCheck(settings(true, ""), null, new MockEnvironment());

    assertThat(check.refusal()).contains("faultline.security.dev-tokens.secret");
  }

  @Test
  void refusesToStartWithDevelopmentTokensBesideAnIdentityProviderOrAShortSecret() {
    MockEnvironment issuer =
        new MockEnvironment()
            .withProperty(
                "spring.security.oauth2.resourceserver.jwt.issuer-uri", "https://idp.example");
    assertThatThrownBy(() -> ApiSecurity.tokenCheck(settings(true, SECRET), null, issuer))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("faultline.security.dev-tokens.enabled")
        .hasMessageContaining("issuer-uri");
    assertThatThrownBy(
            () -> ApiSecurity.tokenCheck(settings(true, "short"), null, new MockEnvironment()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("at least 32 bytes");
  }

  @Test
  void neverPrintsTheSecret() {
    assertThat(settings(true, SECRET).toString()).doesNotContain(SECRET);
  }
}
