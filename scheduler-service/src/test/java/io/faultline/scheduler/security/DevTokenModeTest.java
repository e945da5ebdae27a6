package io.faultline.scheduler.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;

/** Local development tokens exist only when asked for, and only with a strong enough secret. */
class DevTokenModeTest {
  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(SecurityProperties.class)
  static class Properties {}

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner().withUserConfiguration(Properties.class, DevTokenConfig.class);

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
  void mintsTokensItsDecoderAcceptsWithTenantAndRoles() {
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
            });
  }

  @Test
  void refusesToStartWithAShortSecret() {
    runner
        .withPropertyValues(
            "faultline.security.dev-tokens.enabled=true",
            "faultline.security.dev-tokens.secret=short")
        .run(context -> assertThat(context).hasFailed());
  }
}
