package io.faultline.executor.security;

import io.faultline.executor.security.Caller.Role;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.core.env.Environment;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.SecurityFilterChain;

/**
 * {@code /api/**} needs a bearer JWT with the {@code admin} role, checked as the scheduler checks
 * it: the identity provider's tokens (Spring Boot's {@code
 * spring.security.oauth2.resourceserver.jwt.*}), or in local mode the scheduler's development
 * tokens (HS256 with the shared {@code faultline.security.dev-tokens.secret}); the audience must be
 * {@code faultline.security.audience}. The two never coexist. With neither, every call is refused
 * (401, rule {@code noIdentityProvider}). Everything else (actuator) stays as open as before.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SecuritySettings.class)
class ApiSecurity {
  static final String DEV_TOKENS = "faultline.security.dev-tokens.enabled";
  static final String DEV_SECRET = "faultline.security.dev-tokens.secret";

  /** Spring Boot's settings that make a service trust an identity provider's tokens. */
  static final List<String> ISSUER_SETTINGS =
      List.of(
          "spring.security.oauth2.resourceserver.jwt.issuer-uri",
          "spring.security.oauth2.resourceserver.jwt.jwk-set-uri",
          "spring.security.oauth2.resourceserver.jwt.public-key-location");

  private static final Logger log = LoggerFactory.getLogger(ApiSecurity.class);
  private static final int MIN_SECRET_BYTES = 32;

  /** How tokens are checked: a decoder, or the reason none can be. */
  record TokenCheck(JwtDecoder decoder, String refusal) {
    static TokenCheck refusingAll(String why) {
      return new TokenCheck(
          token -> {
            throw new BadJwtException(why);
          },
          why);
    }
  }

  @Bean
  SecurityFilterChain api(
      HttpSecurity http,
      SecuritySettings settings,
      ObjectProvider<JwtDecoder> issuerDecoder,
      Environment environment)
      throws Exception {
    TokenCheck check = tokenCheck(settings, issuerDecoder.getIfAvailable(), environment);
    http.csrf(csrf -> csrf.disable())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .authorizeHttpRequests(
            auth ->
                auth.requestMatchers("/api/**").hasRole(Role.ADMIN.name()).anyRequest().permitAll())
        .oauth2ResourceServer(
            oauth ->
                oauth
                    .jwt(
                        jwt ->
                            jwt.decoder(withAudience(check.decoder(), settings.audience()))
                                .jwtAuthenticationConverter(converter(settings)))
                    .authenticationEntryPoint(
                        (request, response, e) ->
                            Problems.write(
                                response,
                                401,
                                "Unauthorized",
                                check.refusal() != null ? "noIdentityProvider" : "validBearerToken",
                                check.refusal() != null ? check.refusal() : unauthorized(e)))
                    .accessDeniedHandler(
                        (request, response, e) ->
                            Problems.write(
                                response,
                                403,
                                "Forbidden",
                                "adminRole",
                                "halting needs the admin role")));
    return http.build();
  }

  /**
   * The scheduler's development tokens (local mode), else the identity provider's decoder, else a
   * decoder that refuses every token. Development tokens beside an identity provider stop the
   * start, as they do the scheduler's.
   */
  static TokenCheck tokenCheck(
      SecuritySettings settings, JwtDecoder issuerDecoder, Environment environment) {
    if (settings.devTokens().enabled()) {
      for (String issuer : ISSUER_SETTINGS) {
        String value = environment.getProperty(issuer);
        if (value != null && !value.isBlank()) {
          throw new IllegalStateException(
              DEV_TOKENS
                  + "=true and "
                  + issuer
                  + " are both set: development tokens would replace the identity provider's."
                  + " Remove "
                  + DEV_TOKENS
                  + " (and the local profile) in a deployment, or "
                  + issuer
                  + " for local development.");
        }
      }
      String secret = settings.devTokens().secret();
      if (secret == null || secret.isEmpty()) {
        String why =
            "development tokens are on but "
                + DEV_SECRET
                + " (FAULTLINE_DEV_SECRET) is empty: set the scheduler's secret here too";
        log.warn("The halt endpoint refuses every call: {}", why);
        return TokenCheck.refusingAll(why);
      }
      byte[] key = secret.getBytes(StandardCharsets.UTF_8);
      if (key.length < MIN_SECRET_BYTES) {
        throw new IllegalStateException(DEV_SECRET + " must be at least 32 bytes");
      }
      log.warn(
          "LOCAL DEVELOPMENT TOKENS ARE ACCEPTED on the halt endpoint. Never enable {} outside"
              + " local development.",
          DEV_TOKENS);
      return new TokenCheck(
          NimbusJwtDecoder.withSecretKey(new SecretKeySpec(key, "HmacSHA256"))
              .macAlgorithm(MacAlgorithm.HS256)
              .build(),
          null);
    }
    if (issuerDecoder != null) {
      return new TokenCheck(issuerDecoder, null);
    }
    String why =
        "no identity provider is configured on this executor (spring.security.oauth2"
            + ".resourceserver.jwt.*), so no token can be checked";
    log.warn("The halt endpoint refuses every call: {}", why);
    return TokenCheck.refusingAll(why);
  }

  private static String unauthorized(AuthenticationException e) {
    String detail = "a valid bearer token is required";
    if (e instanceof OAuth2AuthenticationException oauth
        && oauth.getError().getDescription() != null) {
      detail += ": " + oauth.getError().getDescription();
    }
    return detail;
  }

  /** The audience check the scheduler applies: a token must name {@code audience} in aud. */
  static JwtDecoder withAudience(JwtDecoder decoder, String audience) {
    return token -> {
      Jwt jwt = decoder.decode(token);
      List<String> audiences = jwt.getAudience();
      if (audiences == null || !audiences.contains(audience)) {
        String message = "the token's audience (aud) does not include " + audience;
        throw new JwtValidationException(
            message,
            List.of(
                new org.springframework.security.oauth2.core.OAuth2Error(
                    "invalid_token", message, null)));
      }
      return jwt;
    };
  }

  /** Roles and tenant from the claims, as the scheduler reads them. */
  static Converter<Jwt, AbstractAuthenticationToken> converter(SecuritySettings settings) {
    return jwt -> {
      Collection<GrantedAuthority> authorities = new ArrayList<>();
      Object roles = jwt.getClaims().get(settings.rolesClaim());
      List<?> list =
          roles instanceof Collection<?> c
              ? List.copyOf(c)
              : roles instanceof String s ? List.of(s.split("[ ,]+")) : List.of();
      for (Object role : list) {
        try {
          Role parsed = Role.valueOf(role.toString().trim().toUpperCase(Locale.ROOT));
          authorities.add(new SimpleGrantedAuthority(parsed.authority()));
        } catch (IllegalArgumentException ignored) {
          // Roles of other applications in a shared token mean nothing here.
          continue;
        }
      }
      String tenant = jwt.getClaimAsString(settings.tenantClaim());
      if (tenant != null && !tenant.isBlank()) {
        authorities.add(new SimpleGrantedAuthority(Caller.TENANT_AUTHORITY + tenant));
      }
      return new JwtAuthenticationToken(jwt, authorities, jwt.getSubject());
    };
  }
}
