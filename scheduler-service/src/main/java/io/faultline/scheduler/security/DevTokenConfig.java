package io.faultline.scheduler.security;

import com.nimbusds.jose.jwk.source.ImmutableSecret;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.cloud.CloudPlatform;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

/**
 * Local mode: tokens are HMAC-SHA256 JWTs signed with a development secret, minted by {@code POST
 * /dev/tokens} for loopback callers only. Only when {@code faultline.security.dev-tokens.enabled
 * =true} (the {@code local} profile sets it); otherwise the issuer configured under {@code
 * spring.security.oauth2.resourceserver.jwt} verifies tokens, and the two never coexist.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = DevTokenConfig.ENABLED, havingValue = "true")
class DevTokenConfig {
  static final String ENABLED = "faultline.security.dev-tokens.enabled";
  static final String SECRET = "faultline.security.dev-tokens.secret";
  static final String FORWARD_HEADERS = "server.forward-headers-strategy";

  /** Spring Boot's settings that make the service trust an identity provider's tokens. */
  static final List<String> ISSUER_SETTINGS =
      List.of(
          "spring.security.oauth2.resourceserver.jwt.issuer-uri",
          "spring.security.oauth2.resourceserver.jwt.jwk-set-uri",
          "spring.security.oauth2.resourceserver.jwt.public-key-location");

  private static final Logger log = LoggerFactory.getLogger(DevTokenConfig.class);
  private static final int RANDOM_KEY_BYTES = 32;

  @Bean
  SecretKey devTokenKey(SecurityProperties properties, Environment environment) {
    refuseOutsideLocalDevelopment(environment);
    String secret = properties.devTokens().secret();
    byte[] key;
    if (secret == null || secret.isEmpty()) {
      key = new byte[RANDOM_KEY_BYTES];
      new SecureRandom().nextBytes(key);
      log.warn(
          "Development tokens are signed with a random key generated at this start: they stop"
              + " working when this process stops, and other instances do not accept them. Set {}"
              + " (FAULTLINE_DEV_SECRET) to share a key between instances.",
          SECRET);
    } else {
      key = secret.getBytes(StandardCharsets.UTF_8);
      if (key.length < RANDOM_KEY_BYTES) {
        throw new IllegalStateException(SECRET + " must be at least 32 bytes");
      }
    }
    log.warn(
        "LOCAL DEVELOPMENT TOKENS ARE ENABLED: any process on this host can act as any tenant"
            + " through POST /dev/tokens. Never enable {} outside local development.",
        ENABLED);
    return new SecretKeySpec(key, "HmacSHA256");
  }

  /**
   * Development tokens would silently replace an identity provider (its decoder backs off when ours
   * exists), and the loopback check trusts the connection's address, which a proxy's {@code
   * X-Forwarded-For} would rewrite: both mean a deployment, never local development.
   */
  static void refuseOutsideLocalDevelopment(Environment environment) {
    for (String issuer : ISSUER_SETTINGS) {
      String value = environment.getProperty(issuer);
      if (value != null && !value.isBlank()) {
        throw new IllegalStateException(
            ENABLED
                + "=true and "
                + issuer
                + " are both set: development tokens would replace the identity provider's."
                + " Remove "
                + ENABLED
                + " (and the local profile) in a deployment, or "
                + issuer
                + " for local development.");
      }
    }
    String strategy = environment.getProperty(FORWARD_HEADERS, "").trim().toLowerCase(Locale.ROOT);
    CloudPlatform platform = CloudPlatform.getActive(environment);
    boolean forwarded =
        strategy.equals("native")
            || strategy.equals("framework")
            || (strategy.isEmpty() && platform != null && platform.isUsingForwardHeaders());
    if (forwarded) {
      throw new IllegalStateException(
          ENABLED
              + "=true needs "
              + FORWARD_HEADERS
              + "=none (is '"
              + (strategy.isEmpty() ? "native, the default on " + platform : strategy)
              + "'): POST /dev/tokens answers loopback callers only, and forwarded headers"
              + " would let a remote caller claim to be one.");
    }
  }

  @Bean
  JwtDecoder devJwtDecoder(SecretKey devTokenKey) {
    return NimbusJwtDecoder.withSecretKey(devTokenKey).macAlgorithm(MacAlgorithm.HS256).build();
  }

  @Bean
  DevTokens devTokens(SecretKey devTokenKey, SecurityProperties properties) {
    return new DevTokens(new NimbusJwtEncoder(new ImmutableSecret<>(devTokenKey)), properties);
  }

  @Bean
  FilterRegistrationBean<LoopbackOnlyFilter> devTokensLoopbackOnly() {
    FilterRegistrationBean<LoopbackOnlyFilter> registration =
        new FilterRegistrationBean<>(new LoopbackOnlyFilter());
    registration.addUrlPatterns(LoopbackOnlyFilter.PATH, LoopbackOnlyFilter.PATH + "/*");
    // Before Spring Security's chain: a remote caller learns nothing but the rule.
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    return registration;
  }
}
