package io.faultline.scheduler.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.faultline.scheduler.Http;
import io.faultline.scheduler.SchedulerInstance;
import io.faultline.scheduler.SharedScheduler;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The API's OpenAPI document and Swagger UI, from the shared instance on the real broker. */
@ExtendWith(SharedScheduler.class)
class OpenApiIT {
  private static SchedulerInstance app;

  @BeforeAll
  static void start() {
    app = SharedScheduler.get();
  }

  @Test
  void servesTheOpenApiDocumentAndSwaggerUi() {
    Http.Response docs = app.anonymous().get("/v3/api-docs");
    assertThat(docs.status()).isEqualTo(200);
    JsonNode paths = docs.body().path("paths");
    assertThat(paths.has("/api/v1/tenants/{tenantId}/experiments")).isTrue();
    assertThat(paths.has("/api/v1/tenants/{tenantId}/schedules/{scheduleId}")).isTrue();
    assertThat(paths.has("/api/v1/tenants/{tenantId}/runs/{runId}")).isTrue();
    assertThat(paths.has("/api/v1/platform/halt")).isTrue();
    assertThat(paths.has("/internal/tenants/{tenantId}/stores/{store}")).isFalse();
    assertThat(
            paths
                .path("/api/v1/tenants/{tenantId}/experiments")
                .path("post")
                .path("responses")
                .path("400")
                .path("content")
                .has("application/problem+json"))
        .isTrue();
    assertThat(docs.body().path("components").path("schemas").has("FieldViolation")).isTrue();
    JsonNode experiment =
        docs.body().path("components").path("schemas").path("ExperimentRequest").path("properties");
    assertThat(experiment.path("steadyState").path("description").asText())
        .contains("cloudwatch-alarm");
    assertThat(experiment.path("stopConditions").path("type").asText()).isEqualTo("array");
    assertThat(experiment.path("bakeSeconds").path("maximum").asInt()).isEqualTo(3600);
    assertThat(app.anonymous().get("/swagger-ui/index.html").status()).isEqualTo(200);
  }
}
