package io.faultline.scheduler.security;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Every API call needs a bearer JWT. GET needs {@code viewer}; changing experiments, schedules and
 * runs needs {@code operator}; changing a tenant's policy (so whether it requires signed requests),
 * accounts or publisher keys, and halting a tenant, needs {@code admin}; platform-wide halt/resume
 * needs {@code admin} on a token without a tenant.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SecurityProperties.class)
class SecurityConfig implements WebMvcConfigurer {
  private static final String TENANTS = "/api/v1/tenants/*";

  @Bean
  SecurityFilterChain api(HttpSecurity http, SecurityProperties properties, JwtDecoder decoder)
      throws Exception {
    List<String> open =
        new ArrayList<>(
            List.of(
                "/v3/api-docs/**",
                "/swagger-ui/**",
                "/swagger-ui.html",
                "/actuator/health/**",
                // Scraped by Prometheus without a token; keep the port inside the cluster.
                "/actuator/prometheus",
                "/error"));
    if (properties.devTokens().enabled()) {
      // Otherwise the path does not exist: an anonymous caller gets 401, a signed-in one 404.
      open.add(LoopbackOnlyFilter.PATH);
    }
    String viewer = Role.VIEWER.name();
    String operator = Role.OPERATOR.name();
    String admin = Role.ADMIN.name();
    http.csrf(csrf -> csrf.disable())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .authorizeHttpRequests(
            auth ->
                auth.requestMatchers(open.toArray(String[]::new))
                    .permitAll()
                    .requestMatchers("/api/v1/platform/**")
                    .hasRole(admin)
                    .requestMatchers(HttpMethod.GET, "/api/v1/tenants/**")
                    .hasAnyRole(viewer, operator, admin)
                    .requestMatchers(
                        TENANTS + "/policy",
                        TENANTS + "/accounts",
                        TENANTS + "/accounts/**",
                        TENANTS + "/publisher-keys",
                        TENANTS + "/publisher-keys/**",
                        TENANTS + "/halt",
                        TENANTS + "/resume")
                    .hasRole(admin)
                    .requestMatchers("/api/v1/tenants/**")
                    .hasAnyRole(operator, admin)
                    .requestMatchers("/internal/**")
                    .hasAnyRole(viewer, operator, admin)
                    .anyRequest()
                    .hasRole(admin))
        .oauth2ResourceServer(
            oauth ->
                oauth
                    .jwt(
                        jwt ->
                            jwt.decoder(withAudience(decoder, properties.audience()))
                                .jwtAuthenticationConverter(converter(properties)))
                    .authenticationEntryPoint(
                        (request, response, e) ->
                            problem(
                                response,
                                401,
                                "unauthorized",
                                "Unauthorized",
                                "a valid bearer token is required",
                                true))
                    .accessDeniedHandler(
                        (request, response, e) ->
                            problem(
                                response,
                                403,
                                "forbidden",
                                "Forbidden",
                                "your roles do not allow this request",
                                false)));
    return http.build();
  }

  /**
   * The configured decoder (the identity provider's, or the development one) plus the audience
   * check: a token must name {@code audience} in its {@code aud} claim, else it is refused (401).
   */
  static JwtDecoder withAudience(JwtDecoder decoder, String audience) {
    OAuth2TokenValidator<Jwt> validator =
        jwt -> {
          List<String> audiences = jwt.getAudience();
          return audiences != null && audiences.contains(audience)
              ? OAuth2TokenValidatorResult.success()
              : OAuth2TokenValidatorResult.failure(
                  new OAuth2Error(
                      OAuth2ErrorCodes.INVALID_TOKEN,
                      "the token's audience (aud) does not include " + audience,
                      null));
        };
    return token -> {
      Jwt jwt = decoder.decode(token);
      OAuth2TokenValidatorResult result = validator.validate(jwt);
      if (result.hasErrors()) {
        throw new JwtValidationException(
            result.getErrors().iterator().next().getDescription(), result.getErrors());
      }
      return jwt;
    };
  }

  static Converter<Jwt, AbstractAuthenticationToken> converter(SecurityProperties properties) {
    return jwt -> {
      Collection<GrantedAuthority> authorities = new ArrayList<>();
      Object roles = jwt.getClaims().get(properties.rolesClaim());
      List<?> list =
          roles instanceof Collection<?> c
              ? List.copyOf(c)
              : roles instanceof String s ? List.of(s.split("[ ,]+")) : List.of();
      for (Object role : list) {
        try {
          authorities.add(new SimpleGrantedAuthority(Role.parse(role.toString()).authority()));
        } catch (IllegalArgumentException ignored) {
          // Roles of other applications in a shared token mean nothing here.
          continue;
        }
      }
      String tenant = jwt.getClaimAsString(properties.tenantClaim());
      if (tenant != null && !tenant.isBlank()) {
        authorities.add(new SimpleGrantedAuthority(Caller.TENANT_AUTHORITY + tenant));
      }
      return new JwtAuthenticationToken(jwt, authorities, jwt.getSubject());
    };
  }

  static void problem(
      HttpServletResponse response,
      int status,
      String type,
      String title,
      String detail,
      boolean challenge)
      throws IOException {
    response.setStatus(status);
    if (challenge) {
      response.setHeader("WWW-Authenticate", "Bearer");
    }
    response.setContentType("application/problem+json");
    response
        .getWriter()
        .write(
            "{\"type\":\"https://faultline.io/problems/"
                + type
                + "\",\"title\":\""
                + title
                + "\",\"status\":"
                + status
                + ",\"detail\":\""
                + detail
                + "\"}");
  }

  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    registry.addInterceptor(new TenantAccessInterceptor());
  }
}
