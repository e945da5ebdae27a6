package io.faultline.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.faultline.events.ExecutorStandIn;
import io.faultline.events.TopicTap;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Run retention on the real broker and RocksDB stores: an instance of its own keeps ended runs for
 * 3 s and sweeps every 500 ms, so an ended run and its timeline go while a running one stays, and
 * the API says why a run is gone.
 */
class RunRetentionIT {
  private static SchedulerInstance app;
  private static TopicTap<FaultRequested> requests;
  private static ExecutorStandIn executor;

  @BeforeAll
  static void start() {
    app =
        SchedulerInstance.start(
            "sched-retention-" + UUID.randomUUID(),
            Clock.systemUTC(),
            Map.of(
                "faultline.scheduler.bounds.run-retention", "3s",
                "faultline.scheduler.bounds.run-retention-sweep", "500ms"));
    requests = new TopicTap<>(Topics.FAULT_REQUESTS);
    executor = new ExecutorStandIn();
  }

  @AfterAll
  static void stop() {
    executor.close();
    requests.close();
    app.close();
  }

  private static FaultRequested requestOf(String runId) {
    return await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> requests.read(r -> r.runId() != null && r.runId().value().equals(runId)),
            found -> found.size() == 1)
        .getFirst();
  }

  @Test
  void deletesAnEndedRunWithItsTimelineOnceItEndedLongerAgoThanTheRetention() {
    String tenant = SharedScheduler.newTenant();
    Http op = app.http(tenant, "operator");
    String base = "/api/v1/tenants/" + tenant;
    String exp =
        op.post(base + "/experiments", ApiFixtures.processKill("111111111111"))
            .body()
            .path("experimentId")
            .asText();
    String ended =
        op.post(base + "/experiments/" + exp + "/runs", null).body().path("runId").asText();
    String running =
        op.post(base + "/experiments/" + exp + "/runs", null).body().path("runId").asText();
    executor.complete(requestOf(ended));
    executor.publish(requestOf(running), LifecycleStage.APPROVED, 1, null);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(op.get(base + "/runs/" + running).body().path("timeline").size())
                    .isEqualTo(1));

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(op.get(base + "/runs/" + ended).status()).isEqualTo(404));
    Http.Response gone = op.get(base + "/runs/" + ended);
    assertThat(gone.contentType()).startsWith("application/problem+json");
    assertThat(gone.body().path("detail").asText())
        .contains("no run " + ended)
        .contains("ended runs are kept for 3s, at most the newest 1000 of a tenant");
    assertThat(
            op.get("/internal/tenants/" + tenant + "/stores/timelines?key=" + ended + "/*")
                .body()
                .size())
        .isZero();

    Http.Response stays = op.get(base + "/runs/" + running);
    assertThat(stays.status()).isEqualTo(200);
    assertThat(stays.body().path("status").asText()).isEqualTo("RUNNING");
    assertThat(stays.body().path("timeline").size()).isEqualTo(1);
    assertThat(op.get(base + "/runs").body().findValuesAsText("runId")).isEqualTo(List.of(running));
  }
}
