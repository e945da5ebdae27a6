package io.faultline.scheduler.controls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.faultline.events.TopicTap;
import io.faultline.events.control.ControlAction;
import io.faultline.events.control.FaultControl;
import io.faultline.events.topics.Topics;
import io.faultline.scheduler.Http;
import io.faultline.scheduler.SchedulerInstance;
import io.faultline.scheduler.SharedScheduler;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Halts, resumes and aborts over the API, against the shared instance on the real broker; published
 * controls are read back from the topic.
 */
@ExtendWith(SharedScheduler.class)
class ControlApiIT {
  private static SchedulerInstance app;
  private static TopicTap<FaultControl> controls;

  @BeforeAll
  static void start() {
    app = SharedScheduler.get();
    controls = new TopicTap<>(Topics.FAULT_CONTROLS);
  }

  @AfterAll
  static void stop() {
    controls.close();
  }

  @Test
  void haltsAndResumesATenantAndAbortsFaultsThroughTheControlsTopic() {
    String tenant = SharedScheduler.newTenant();
    Http admin = app.http(tenant, "admin");
    assertThat(
            admin
                .post("/api/v1/tenants/" + tenant + "/halt", Map.of("reason", "incident"))
                .status())
        .isEqualTo(202);
    assertThat(admin.post("/api/v1/tenants/" + tenant + "/resume", null).status()).isEqualTo(202);
    assertThat(
            app.http(tenant, "operator")
                .post("/api/v1/tenants/" + tenant + "/faults/f-1/abort", null)
                .status())
        .isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(
                        controls.read(
                            c -> c.tenantId() != null && c.tenantId().value().equals(tenant)))
                    .extracting(FaultControl::action)
                    .containsExactlyInAnyOrder(
                        ControlAction.HALT_TENANT,
                        ControlAction.RESUME_TENANT,
                        ControlAction.ABORT_FAULT));
    // Same key (tenant/<id>), same partition: the resume is ordered after the halt.
    assertThat(controls.read(c -> c.key().equals("tenant/" + tenant)))
        .extracting(FaultControl::action)
        .containsExactly(ControlAction.HALT_TENANT, ControlAction.RESUME_TENANT);
    assertThat(controls.read(c -> c.key().equals("fault/" + tenant + "/f-1"))).hasSize(1);
  }

  @Test
  void haltsEverythingOnlyForAPlatformAdmin() {
    String tenant = SharedScheduler.newTenant();
    assertThat(app.http(tenant, "admin").post("/api/v1/platform/halt", null).status())
        .isEqualTo(403);
    assertThat(app.http(null, "operator").post("/api/v1/platform/halt", null).status())
        .isEqualTo(403);
    Http platform = app.http(null, "admin");
    String reason = "drill-" + tenant;
    assertThat(platform.post("/api/v1/platform/halt", Map.of("reason", reason)).status())
        .isEqualTo(202);
    assertThat(platform.post("/api/v1/platform/resume", Map.of("reason", reason)).status())
        .isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(controls.read(c -> reason.equals(c.reason())))
                    .extracting(FaultControl::action)
                    .containsExactly(ControlAction.HALT_PLATFORM, ControlAction.RESUME_PLATFORM));
  }
}
