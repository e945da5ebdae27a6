package io.faultline.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.faultline.events.tracing.FaultSpans;
import io.faultline.scheduler.state.StateJson;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Log lines are JSON (the application's {@code logging.structured.format.console}, ECS) and carry
 * the fault's trace id, span id, tenant and fault id, so a log line leads to its trace.
 */
@ExtendWith({SharedScheduler.class, OutputCaptureExtension.class})
class StructuredLogIT {
  private static SchedulerInstance app;

  @BeforeAll
  static void start() {
    app = SharedScheduler.get();
  }

  private static Optional<JsonNode> jsonLineWith(CapturedOutput output, String text) {
    return output
        .getOut()
        .lines()
        .filter(line -> line.startsWith("{") && line.contains(text))
        .findFirst()
        .map(
            line -> {
              try {
                return StateJson.mapper().readTree(line);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
  }

  @Test
  void logsEachRequestedFaultAsAJsonLineWithItsTraceSpanTenantAndFault(CapturedOutput output) {
    String tenant = SharedScheduler.newTenant();
    Http op = app.http(tenant, "operator");
    String exp =
        op.post(
                "/api/v1/tenants/" + tenant + "/experiments",
                ApiFixtures.processKill("111111111111"))
            .body()
            .path("experimentId")
            .asText();
    String callerTrace = "5a1ed0c0ffee" + tenant.substring(2) + "0123456789ab";
    String runId =
        op.traced("00-" + callerTrace + "-00f067aa0ba902b7-01")
            .post("/api/v1/tenants/" + tenant + "/experiments/" + exp + "/runs", null)
            .body()
            .path("runId")
            .asText();
    String faultId = runId + ".w0.t0";

    JsonNode line =
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> jsonLineWith(output, "requested fault " + faultId), Optional::isPresent)
            .orElseThrow();

    List<SpanData> spans =
        app.spans.getFinishedSpanItems().stream()
            .filter(s -> s.getName().equals(FaultSpans.SCHEDULER_PUBLISH))
            .filter(s -> faultId.equals(s.getAttributes().get(FaultSpans.FAULT_ID)))
            .toList();
    assertThat(spans).hasSize(1);
    assertThat(line.path("message").asText()).startsWith("requested fault " + faultId);
    assertThat(line.path("tenant_id").asText()).isEqualTo(tenant);
    assertThat(line.path("fault_id").asText()).isEqualTo(faultId);
    assertThat(line.path("trace_id").asText()).isEqualTo(callerTrace);
    assertThat(line.path("span_id").asText()).isEqualTo(spans.getFirst().getSpanId());
    // ECS: the level and the service, so a log platform can filter without parsing messages.
    assertThat(line.toString()).contains("\"INFO\"").contains("scheduler-service");
  }
}
