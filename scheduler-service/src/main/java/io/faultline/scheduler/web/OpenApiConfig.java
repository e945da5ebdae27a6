package io.faultline.scheduler.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
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

  /** Every operation documents its problem+json answers, with the validation error list. */
  @Bean
  OpenApiCustomizer problemResponses() {
    Schema<?> violation =
        new ObjectSchema()
            .addProperty("field", new StringSchema().example("parameters.PROCESS_IDS"))
            .addProperty("rule", new StringSchema().example("pattern"))
            .addProperty("message", new StringSchema());
    Schema<?> problem =
        new ObjectSchema()
            .addProperty("type", new StringSchema().format("uri"))
            .addProperty("title", new StringSchema())
            .addProperty("status", new IntegerSchema())
            .addProperty("detail", new StringSchema())
            .addProperty("instance", new StringSchema())
            .addProperty("errors", new ArraySchema().items(new Schema<>().$ref("FieldViolation")));
    Map<String, String> answers =
        Map.of(
            "400", "Invalid request: `errors` names each field and rule",
            "401", "No valid bearer token",
            "403", "Another tenant's resource, or a missing role",
            "404", "No such resource",
            "503", "State is moving between instances; retry");
    return openApi -> {
      openApi
          .getComponents()
          .addSchemas("FieldViolation", violation)
          .addSchemas("Problem", problem);
      Content content =
          new Content()
              .addMediaType(
                  "application/problem+json",
                  new MediaType().schema(new Schema<>().$ref("Problem")));
      openApi
          .getPaths()
          .values()
          .forEach(
              path ->
                  path.readOperations()
                      .forEach(
                          operation ->
                              answers.forEach(
                                  (code, description) -> {
                                    if (operation.getResponses().get(code) == null) {
                                      operation
                                          .getResponses()
                                          .addApiResponse(
                                              code,
                                              new ApiResponse()
                                                  .description(description)
                                                  .content(content));
                                    }
                                  })));
    };
  }
}
