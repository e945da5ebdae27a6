package io.faultline.scheduler.security;

import com.nimbusds.jose.jwk.source.ImmutableSecret;
import java.nio.charset.StandardCharsets;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

/**
 * Local mode: tokens are HMAC-SHA256 JWTs signed with a development secret, minted by {@code POST
 * /dev/tokens}. Only when {@code faultline.security.dev-tokens.enabled=true} (the {@code local}
 * profile sets it); otherwise the issuer configured under {@code
 * spring.security.oauth2.resourceserver.jwt} verifies tokens.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "faultline.security.dev-tokens.enabled", havingValue = "true")
class DevTokenConfig {
  private static final Logger log = LoggerFactory.getLogger(DevTokenConfig.class);

  @Bean
  SecretKey devTokenKey(SecurityProperties properties) {
    String secret = properties.devTokens().secret();
    if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < 32) {
      throw new IllegalStateException(
          "faultline.security.dev-tokens.secret must be at least 32 bytes");
    }
    log.warn(
        "LOCAL DEVELOPMENT TOKENS ARE ENABLED: anyone with the dev secret can act as any tenant."
            + " Never enable faultline.security.dev-tokens outside local development.");
    return new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
  }

  @Bean
  JwtDecoder devJwtDecoder(SecretKey devTokenKey) {
    return NimbusJwtDecoder.withSecretKey(devTokenKey).macAlgorithm(MacAlgorithm.HS256).build();
  }

  @Bean
  DevTokens devTokens(SecretKey devTokenKey, SecurityProperties properties) {
    return new DevTokens(new NimbusJwtEncoder(new ImmutableSecret<>(devTokenKey)), properties);
  }
}
