package io.faultline.scheduler.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI 3 document ({@code /v3/api-docs}) and Swagger UI ({@code /swagger-ui.html}). */
@Configuration(proxyBeanMethods = false)
class OpenApiConfig {
  @Bean
  OpenAPI faultlineOpenApi() {
    return new OpenAPI()
        .info(
            new Info()
                .title("Faultline scheduler API")
                .version("v1")
                .description(
                    "Control plane of Faultline: tenants, accounts, policies, experiments,"
                        + " schedules, runs, waves, aborts and halts. Errors are RFC 9457"
                        + " problem+json; validation errors list each field and rule."))
        .components(
            new Components()
                .addSecuritySchemes(
                    "bearer",
                    new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .bearerFormat("JWT")))
        .addSecurityItem(new SecurityRequirement().addList("bearer"));
  }
}
