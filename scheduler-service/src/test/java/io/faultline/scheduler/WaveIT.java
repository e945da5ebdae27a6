package io.faultline.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.faultline.events.ExecutorStandIn;
import io.faultline.events.TopicTap;
import io.faultline.events.control.ControlAction;
import io.faultline.events.control.FaultControl;
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Waves against the real broker: the test plays the policy service and executor by publishing
 * lifecycle events for the requests the scheduler published.
 */
@ExtendWith(SharedScheduler.class)
class WaveIT {
  private static SchedulerInstance app;
  private static TopicTap<FaultRequested> requests;
  private static TopicTap<FaultControl> controls;
  private static ExecutorStandIn executor;

  @BeforeAll
  static void start() {
    app = SharedScheduler.get();
    requests = new TopicTap<>(Topics.FAULT_REQUESTS);
    controls = new TopicTap<>(Topics.FAULT_CONTROLS);
    executor = new ExecutorStandIn();
  }

  @AfterAll
  static void stop() {
    requests.close();
    controls.close();
    executor.close();
  }

  /** Dry run, canary on one instance, 25 %, 100 %; two target accounts. */
  static Map<String, Object> rollout() {
    return Map.of(
        "name",
        "Checkout worker dies",
        "faultType",
        "ec2-process-kill",
        "parameters",
        Map.of("PROCESS_IDS", "1234", "EC2_INSTANCE_TAG", "app:checkout"),
        "hypothesis",
        "Checkout p99 stays under 300 ms",
        "targets",
        List.of(
            Map.of("accountId", "111111111111", "region", "eu-west-1"),
            Map.of("accountId", "222222222222", "region", "eu-west-1")),
        "waves",
        List.of(
            Map.of("name", "dry run", "dryRun", true),
            Map.of("name", "canary", "parameters", Map.of("INSTANCE_AFFECTED_PERC", 0)),
            Map.of("name", "25%", "parameters", Map.of("INSTANCE_AFFECTED_PERC", 25)),
            Map.of("name", "100%", "parameters", Map.of("INSTANCE_AFFECTED_PERC", 100))));
  }

  private record Started(String tenant, Http http, String runId) {}

  private static Started runNow() {
    String tenant = SharedScheduler.newTenant();
    Http op = app.http(tenant, "operator");
    String exp =
        op.post("/api/v1/tenants/" + tenant + "/experiments", rollout())
            .body()
            .path("experimentId")
            .asText();
    String runId =
        op.post("/api/v1/tenants/" + tenant + "/experiments/" + exp + "/runs", null)
            .body()
            .path("runId")
            .asText();
    return new Started(tenant, op, runId);
  }

  private static List<FaultRequested> requestsOf(String runId) {
    return requests.read(r -> r.runId() != null && r.runId().value().equals(runId));
  }

  private static List<FaultRequested> awaitRequests(String runId, int count) {
    List<FaultRequested> found = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              found.clear();
              found.addAll(requestsOf(runId));
              assertThat(found).hasSize(count);
            });
    return found;
  }

  private static JsonNode run(Started s) {
    return s.http().get("/api/v1/tenants/" + s.tenant() + "/runs/" + s.runId()).body();
  }

  @Test
  void startsEachWaveOnlyAfterEveryFaultOfThePreviousWaveCompleted() {
    Started s = runNow();
    List<FaultRequested> wave0 = awaitRequests(s.runId(), 2);
    assertThat(wave0).allMatch(FaultRequested::dryRun);
    assertThat(wave0)
        .extracting(r -> r.accountId().value())
        .containsExactlyInAnyOrder("111111111111", "222222222222");

    executor.complete(wave0.get(0));
    await()
        .during(Duration.ofMillis(1500))
        .atMost(Duration.ofSeconds(5))
        .until(() -> requestsOf(s.runId()).size() == 2);

    executor.complete(wave0.get(1));
    List<FaultRequested> upToCanary = awaitRequests(s.runId(), 4);
    List<FaultRequested> canary = upToCanary.subList(2, 4);
    assertThat(canary).noneMatch(FaultRequested::dryRun);
    assertThat(canary)
        .allMatch(r -> r.parameters().asMap().get("INSTANCE_AFFECTED_PERC").equals("0"));

    canary.forEach(executor::complete);
    List<FaultRequested> quarter = awaitRequests(s.runId(), 6).subList(4, 6);
    assertThat(quarter)
        .allMatch(r -> r.parameters().asMap().get("INSTANCE_AFFECTED_PERC").equals("25"));
    quarter.forEach(executor::complete);
    List<FaultRequested> all = awaitRequests(s.runId(), 8).subList(6, 8);
    assertThat(all)
        .allMatch(r -> r.parameters().asMap().get("INSTANCE_AFFECTED_PERC").equals("100"));
    all.forEach(executor::complete);
    // A redelivered terminal event changes nothing.
    executor.publish(all.get(0), LifecycleStage.COMPLETED, 5, null);

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(run(s).path("status").asText()).isEqualTo("COMPLETED"));
    JsonNode run = run(s);
    for (JsonNode wave : run.path("waves")) {
      assertThat(wave.path("status").asText()).isEqualTo("COMPLETED");
    }
    JsonNode timeline = run.path("timeline");
    assertThat(timeline.size()).isEqualTo(8 * 5);
    String firstFault = timeline.path(0).path("faultId").asText();
    List<String> stagesOfFirst = new ArrayList<>();
    timeline.forEach(
        e -> {
          if (e.path("faultId").asText().equals(firstFault)) {
            stagesOfFirst.add(e.path("stage").asText());
          }
        });
    assertThat(stagesOfFirst)
        .containsExactly("APPROVED", "STARTED", "INJECTED", "ROLLING_BACK", "COMPLETED");
    assertThat(requestsOf(s.runId())).hasSize(8);
  }

  @Test
  void stopsAtTheFirstFailedWave() {
    Started s = runNow();
    awaitRequests(s.runId(), 2).forEach(executor::complete);
    List<FaultRequested> canary = awaitRequests(s.runId(), 4).subList(2, 4);

    executor.fail(canary.get(0));
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(run(s).path("status").asText()).isEqualTo("FAILED"));
    executor.complete(canary.get(1));
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(10))
        .until(() -> requestsOf(s.runId()).size() == 4);

    JsonNode run = run(s);
    assertThat(run.path("waves").path(0).path("status").asText()).isEqualTo("COMPLETED");
    assertThat(run.path("waves").path(1).path("status").asText()).isEqualTo("FAILED");
    assertThat(run.path("waves").path(2).path("status").asText()).isEqualTo("CANCELLED");
    assertThat(run.path("waves").path(3).path("status").asText()).isEqualTo("CANCELLED");
    assertThat(run.path("stopReason").asText())
        .contains(canary.get(0).faultId().value())
        .contains("FAILED");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(
                        controls.read(
                            c -> c.runId() != null && c.runId().value().equals(s.runId())))
                    .extracting(FaultControl::action)
                    .containsExactly(ControlAction.ABORT_RUN));
  }

  @Test
  void stopsWhenAFaultIsRejected() {
    Started s = runNow();
    List<FaultRequested> wave0 = awaitRequests(s.runId(), 2);
    executor.publish(wave0.get(1), LifecycleStage.REJECTED, 1, FailureReason.POLICY_RULE);
    executor.complete(wave0.get(0));
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(run(s).path("status").asText()).isEqualTo("FAILED"));
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(10))
        .until(() -> requestsOf(s.runId()).size() == 2);
  }

  @Test
  void stopsWhenAFaultIsAborted() {
    Started s = runNow();
    List<FaultRequested> wave0 = awaitRequests(s.runId(), 2);
    executor.publish(wave0.get(0), LifecycleStage.APPROVED, 1, null);
    executor.publish(wave0.get(0), LifecycleStage.ABORTED, 2, FailureReason.ABORTED);
    executor.complete(wave0.get(1));
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(run(s).path("status").asText()).isEqualTo("ABORTED"));
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(10))
        .until(() -> requestsOf(s.runId()).size() == 2);
  }

  @Test
  void anOperatorAbortStopsTheRunBeforeItsNextWave() {
    Started s = runNow();
    List<FaultRequested> wave0 = awaitRequests(s.runId(), 2);
    assertThat(
            s.http()
                .post(
                    "/api/v1/tenants/" + s.tenant() + "/runs/" + s.runId() + "/abort",
                    Map.of("reason", "customer impact"))
                .status())
        .isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(run(s).path("status").asText()).isEqualTo("ABORTED"));
    wave0.forEach(executor::complete);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(10))
        .until(() -> requestsOf(s.runId()).size() == 2);
    assertThat(run(s).path("stopReason").asText()).contains("customer impact");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(
                        controls.read(
                            c -> c.runId() != null && c.runId().value().equals(s.runId())))
                    .extracting(FaultControl::action, FaultControl::reason)
                    .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                            ControlAction.ABORT_RUN, "customer impact")));
    assertThat(
            s.http().post("/api/v1/tenants/" + s.tenant() + "/runs/run-nope/abort", null).status())
        .isEqualTo(404);
  }
}
