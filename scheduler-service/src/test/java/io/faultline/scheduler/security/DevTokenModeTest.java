package io.faultline.scheduler.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;

/**
 * Local development tokens exist only when asked for, with a strong secret (random per start unless
 * one is set, never logged), never beside an identity provider or behind forwarded headers.
 */
@ExtendWith(OutputCaptureExtension.class)
class DevTokenModeTest {
  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(SecurityProperties.class)
  static class Properties {}

  static final List<String> ISSUER_SETTINGS = DevTokenConfig.ISSUER_SETTINGS;

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withUserConfiguration(Properties.class, DevTokenConfig.class)
          // As the local profile sets it; also keeps a CI pod's Kubernetes detection out.
          .withPropertyValues("server.forward-headers-strategy=none");

  private static Object yaml(String file, String property) throws IOException {
    List<PropertySource<?>> sources =
        new YamlPropertySourceLoader().load(file, new ClassPathResource(file));
    return sources.getFirst().getProperty(property);
  }

  @Test
  void isOffByDefaultAndOnOnlyInTheLocalProfile() throws IOException {
    assertThat(yaml("application.yml", "faultline.security.dev-tokens.enabled")).isEqualTo(false);
    assertThat(yaml("application-local.yml", "faultline.security.dev-tokens.enabled"))
        .isEqualTo(true);
    runner.run(context -> assertThat(context).doesNotHaveBean(DevTokens.class));
    runner.run(context -> assertThat(context).doesNotHaveBean(JwtDecoder.class));
  }

  @Test
  void shipsNoSecretInItsConfiguration() throws IOException {
    assertThat(yaml("application.yml", "faultline.security.dev-tokens.secret")).isNull();
    assertThat(yaml("application-local.yml", "faultline.security.dev-tokens.secret"))
        .hasToString("${FAULTLINE_DEV_SECRET:}");
    assertThat(yaml("application-local.yml", "server.forward-headers-strategy")).isEqualTo("none");
  }

  @Test
  void mintsTokensItsDecoderAcceptsWithTenantRolesAndAudience() {
    runner
        .withPropertyValues(
            "faultline.security.dev-tokens.enabled=true",
            "faultline.security.dev-tokens.secret=0123456789abcdef0123456789abcdef")
        .run(
            context -> {
              String token =
                  context.getBean(DevTokens.class).mint("alice", "acme", List.of("operator"));
              Jwt jwt = context.getBean(JwtDecoder.class).decode(token);
              assertThat(jwt.getSubject()).isEqualTo("alice");
              assertThat(jwt.getClaimAsString("tenant")).isEqualTo("acme");
              assertThat(jwt.getClaimAsStringList("roles")).containsExactly("operator");
              assertThat(jwt.getAudience()).containsExactly("faultline");
            });
  }

  @Test
  void mintsTokensForTheConfiguredAudience() {
    runner
        .withPropertyValues(
            "faultline.security.dev-tokens.enabled=true", "faultline.security.audience=chaos-api")
        .run(
            context -> {
              String token = context.getBean(DevTokens.class).mint("alice", "acme", List.of());
              assertThat(context.getBean(JwtDecoder.class).decode(token).getAudience())
                  .containsExactly("chaos-api");
            });
  }

  @Test
  void signsWithARandomKeyPerStartWhenNoSecretIsSet(CapturedOutput output) {
    ApplicationContextRunner local =
        runner.withPropertyValues("faultline.security.dev-tokens.enabled=true");
    AtomicReference<String> firstToken = new AtomicReference<>();
    AtomicReference<byte[]> firstKey = new AtomicReference<>();
    local.run(
        context -> {
          byte[] key = context.getBean(SecretKey.class).getEncoded();
          assertThat(key).hasSizeGreaterThanOrEqualTo(32);
          firstKey.set(key);
          String token = context.getBean(DevTokens.class).mint("alice", "acme", List.of("admin"));
          assertThat(context.getBean(JwtDecoder.class).decode(token).getSubject())
              .isEqualTo("alice");
          firstToken.set(token);
        });
    local.run(
        context -> {
          assertThat(context.getBean(SecretKey.class).getEncoded()).isNotEqualTo(firstKey.get());
          JwtDecoder second = context.getBean(JwtDecoder.class);
          assertThatThrownBy(() -> second.decode(firstToken.get()))
              .isInstanceOf(BadJwtException.class);
        });
    assertThat(output).contains("random key generated at this start");
  }

  @Test
  void neverLogsAConfiguredSecret(CapturedOutput output) {
    String secret = "do-not-log-me-0123456789abcdef-0123456789";
    runner
        .withPropertyValues(
            "faultline.security.dev-tokens.enabled=true",
            "faultline.security.dev-tokens.secret=" + secret)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(SecurityProperties.class).toString())
                  .doesNotContain(secret);
            });
    assertThat(output).contains("LOCAL DEVELOPMENT TOKENS ARE ENABLED").doesNotContain(secret);
  }

  @Test
  void refusesToStartWithAShortSecret() {
    runner
        .withPropertyValues(
            "faultline.security.dev-tokens.enabled=true",
            "faultline.security.dev-tokens.secret=short")
        .run(context -> assertThat(context).hasFailed());
  }

  @ParameterizedTest
  @FieldSource("ISSUER_SETTINGS")
  void refusesToStartWithAnIdentityProviderConfiguredToo(String issuerSetting) {
    runner
        .withPropertyValues(
            "faultline.security.dev-tokens.enabled=true", issuerSetting + "=https://idp.example")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("faultline.security.dev-tokens.enabled")
                    .hasMessageContaining(issuerSetting));
    runner
        .withPropertyValues(issuerSetting + "=https://idp.example")
        .run(context -> assertThat(context).hasNotFailed());
  }

  @ParameterizedTest
  @ValueSource(strings = {"native", "framework"})
  void refusesToStartWhenForwardedHeadersCouldFakeALoopbackCaller(String strategy) {
    runner
        .withPropertyValues(
            "faultline.security.dev-tokens.enabled=true",
            "server.forward-headers-strategy=" + strategy)
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("server.forward-headers-strategy=none"));
  }

  @Test
  void refusesToStartOnKubernetesUnlessForwardedHeadersAreOff() {
    new ApplicationContextRunner()
        .withUserConfiguration(Properties.class, DevTokenConfig.class)
        .withPropertyValues(
            "faultline.security.dev-tokens.enabled=true", "spring.main.cloud-platform=kubernetes")
        .run(
            context ->
                assertThat(context).getFailure().rootCause().hasMessageContaining("KUBERNETES"));
  }
}
