package io.faultline.scheduler;

import static io.faultline.scheduler.RunHarness.ACCOUNT;
import static io.faultline.scheduler.RunHarness.alarm;
import static io.faultline.scheduler.RunHarness.experiment;
import static io.faultline.scheduler.RunHarness.http;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.faultline.events.ids.RunId;
import io.faultline.events.ids.TenantId;
import io.faultline.events.probe.RunEvent;
import io.faultline.events.probe.RunEventKind;
import io.faultline.events.probe.RunWatch;
import io.faultline.events.probe.Verdict;
import io.faultline.events.probe.WatchPhase;
import io.faultline.events.request.FaultRequested;
import io.faultline.scheduler.RunHarness.Started;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The safety loop of a run (ADR 0010) against the shared instance on the real broker: the test
 * plays the executors — it reads the watches the scheduler writes and answers with run events on
 * the run-events topic (readings, steady-state, bake and final results, breaches), and with
 * lifecycle events for the faults the scheduler requests.
 */
@ExtendWith(SharedScheduler.class)
class RunSafetyIT {
  private static SchedulerInstance app;
  private static RunHarness runs;

  @BeforeAll
  static void start() {
    app = SharedScheduler.get();
    runs = new RunHarness(app, Duration.ofSeconds(20));
  }

  @AfterAll
  static void stop() {
    runs.close();
  }

  @Test
  void aSteadyStateThatDoesNotHoldRefusesTheRunBeforeAnyFault() {
    Started s = runs.runNow(experiment(List.of(http("api-ok")), List.of(), 0, 2));
    RunWatch watch = runs.awaitWatch(s, WatchPhase.STEADY_STATE);
    assertThat(watch.revision()).isEqualTo(1);
    assertThat(watch.steadyState()).extracting(p -> p.name()).containsExactly("api-ok");
    assertThat(runs.run(s).path("watch").path("phase").asText()).isEqualTo("STEADY_STATE");

    runs.result(s, RunEventKind.STEADY_STATE_FAILED, watch, 1, "api-ok");

    JsonNode run = runs.awaitStatus(s, "REFUSED");
    assertThat(run.path("stopReason").asText()).startsWith("NOT_STEADY: probe api-ok");
    assertThat(run.path("verdict").asText()).isEqualTo("INCONCLUSIVE");
    assertThat(run.path("verdictReason").asText()).contains("refused before any fault");
    assertThat(run.path("watch").isMissingNode()).isTrue();
    assertThat(run.path("waves").path(0).path("status").asText()).isEqualTo("CANCELLED");
    assertThat(run.path("faults").path(0).path("stage").asText()).isEqualTo("PLANNED");
    runs.awaitTombstone(s);
    assertThat(runs.awaitVerdict(s).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    runs.assertRequestsStay(s, 0);
  }

  @Test
  void aSteadyStateThatHoldsThroughBakesAndTheFinalCheckHoldsTheHypothesis() {
    Started s =
        runs.runNow(experiment(List.of(alarm("checkout-ok")), List.of(http("api-ok")), 30, 2));
    RunWatch steady = runs.awaitWatch(s, WatchPhase.STEADY_STATE);
    assertThat(steady.stopConditions()).extracting(p -> p.name()).containsExactly("api-ok");

    // A result for a revision the scheduler has not written (or an older one) changes nothing.
    runs.result(s, RunEventKind.STEADY_STATE_HELD, steady, 0, null);
    runs.result(s, RunEventKind.STEADY_STATE_HELD, steady, 7, null);
    runs.assertRequestsStay(s, 0);

    runs.result(s, RunEventKind.STEADY_STATE_HELD, steady);
    FaultRequested first = runs.awaitRequests(s, 1).getFirst();
    RunWatch running = runs.awaitWatch(s, WatchPhase.RUNNING);
    assertThat(running.wave()).isZero();
    assertThat(running.revision()).isEqualTo(2);
    runs.reading(s, running, "api-ok", true);
    runs.reading(s, running, "api-ok", false);

    runs.executor().complete(first);
    RunWatch baking = runs.awaitWatch(s, WatchPhase.BAKING);
    assertThat(baking.revision()).isEqualTo(3);
    assertThat(baking.wave()).isZero();
    assertThat(baking.bakeUntil()).isAfter(baking.updatedAt().plusSeconds(29));
    // The steady-state result of a phase that is over does not bake the wave.
    runs.result(s, RunEventKind.BAKE_HELD, baking, 2, null);
    runs.assertRequestsStay(s, 1);

    runs.result(s, RunEventKind.BAKE_HELD, baking);
    FaultRequested second = runs.awaitRequests(s, 2).get(1);
    assertThat(runs.awaitWatch(s, WatchPhase.RUNNING).wave()).isEqualTo(1);
    runs.executor().complete(second);
    RunWatch lastBake = runs.awaitWatch(s, WatchPhase.BAKING);
    assertThat(lastBake.wave()).isEqualTo(1);
    runs.result(s, RunEventKind.BAKE_HELD, lastBake);
    RunWatch finalCheck = runs.awaitWatch(s, WatchPhase.FINAL_CHECK);
    assertThat(finalCheck.revision()).isEqualTo(6);
    assertThat(runs.run(s).path("status").asText()).isEqualTo("RUNNING");

    runs.result(s, RunEventKind.FINAL_STEADY_STATE_HELD, finalCheck);
    JsonNode run = runs.awaitStatus(s, "COMPLETED");
    assertThat(run.path("verdict").asText()).isEqualTo("HYPOTHESIS_HELD");
    assertThat(run.path("readings")).hasSize(2);
    JsonNode failing = run.path("readings").path(1);
    assertThat(failing.path("probe").asText()).isEqualTo("api-ok");
    assertThat(failing.path("ok").asBoolean()).isFalse();
    assertThat(failing.path("status").asInt()).isEqualTo(503);
    assertThat(failing.path("error").asText()).isEqualTo("status 503");
    assertThat(failing.path("phase").asText()).isEqualTo("RUNNING");
    assertThat(failing.path("wave").asInt()).isZero();
    runs.awaitTombstone(s);
    RunEvent verdict = runs.awaitVerdict(s);
    assertThat(verdict.verdict()).isEqualTo(Verdict.HYPOTHESIS_HELD);
    assertThat(verdict.detail()).isEqualTo(run.path("verdictReason").asText());
    assertThat(
            runs.runEvents()
                .envelopes(e -> e.eventId().equals(verdict.eventId()))
                .getFirst()
                .source())
        .hasToString("/faultline/scheduler-service");
  }

  @Test
  void aStopConditionBreachEndsTheRunAbortedAndRefutedWithoutFurtherWaves() {
    Started s = runs.runNow(experiment(List.of(), List.of(alarm("checkout-5xx")), 0, 2));
    RunWatch running = runs.awaitWatch(s, WatchPhase.RUNNING);
    assertThat(running.revision()).isEqualTo(1);
    FaultRequested first = runs.awaitRequests(s, 1).getFirst();

    runs.result(s, RunEventKind.STOP_CONDITION_BREACHED, running, 1, "checkout-5xx");
    JsonNode run = runs.awaitStatus(s, "ABORTED");
    assertThat(run.path("verdict").asText()).isEqualTo("HYPOTHESIS_REFUTED");
    assertThat(run.path("stopReason").asText())
        .startsWith("STOP_CONDITION: probe checkout-5xx breached")
        .contains("state=ALARM");
    assertThat(run.path("waves").path(1).path("status").asText()).isEqualTo("CANCELLED");
    runs.awaitTombstone(s);
    assertThat(runs.awaitVerdict(s).verdict()).isEqualTo(Verdict.HYPOTHESIS_REFUTED);

    // The executors roll the fault back; its end does not start the next wave.
    runs.executor().complete(first);
    runs.assertRequestsStay(s, 1);
  }

  @Test
  void aFailedBakeStopsThePromotion() {
    Started s = runs.runNow(experiment(List.of(), List.of(http("api-ok")), 60, 2));
    FaultRequested first = runs.awaitRequests(s, 1).getFirst();
    runs.executor().complete(first);
    RunWatch baking = runs.awaitWatch(s, WatchPhase.BAKING);

    runs.result(s, RunEventKind.BAKE_FAILED, baking, baking.revision(), "api-ok");
    JsonNode run = runs.awaitStatus(s, "FAILED");
    assertThat(run.path("stopReason").asText()).startsWith("BAKE_FAILED: wave 1 (wave 1)");
    assertThat(run.path("verdict").asText()).isEqualTo("HYPOTHESIS_REFUTED");
    assertThat(run.path("waves").path(0).path("status").asText()).isEqualTo("FAILED");
    assertThat(run.path("waves").path(1).path("status").asText()).isEqualTo("CANCELLED");
    runs.awaitTombstone(s);
    runs.assertRequestsStay(s, 1);
  }

  @Test
  void anOperatorAbortIsInconclusive() {
    Started s = runs.runNow(experiment(List.of(), List.of(http("api-ok")), 0, 1));
    runs.awaitRequests(s, 1);
    runs.awaitWatch(s, WatchPhase.RUNNING);
    assertThat(s.op().post(s.path() + "/abort", Map.of("reason", "pager went off")).status())
        .isEqualTo(202);
    JsonNode run = runs.awaitStatus(s, "ABORTED");
    assertThat(run.path("verdict").asText()).isEqualTo("INCONCLUSIVE");
    assertThat(run.path("verdictReason").asText()).contains("pager went off");
    runs.awaitTombstone(s);
    assertThat(runs.awaitVerdict(s).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
  }

  @Test
  void aRunWithoutSteadyStateEndsInconclusive() {
    Started s = runs.runNow(ApiFixtures.processKill(ACCOUNT));
    runs.executor().complete(runs.awaitRequests(s, 1).getFirst());
    JsonNode run = runs.awaitStatus(s, "COMPLETED");
    assertThat(run.path("verdict").asText()).isEqualTo("INCONCLUSIVE");
    assertThat(run.path("verdictReason").asText())
        .isEqualTo("no steady-state probe: nothing tested the hypothesis");
    assertThat(runs.watches().of(s.tenant(), s.runId())).isEmpty();
    assertThat(runs.awaitVerdict(s).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
  }

  @Test
  void theTenantsEventStreamCarriesRunEventsNamedByTheirType() throws Exception {
    String tenant = SharedScheduler.newTenant();
    List<String> lines = app.eventStream(tenant);
    Started other = new Started(SharedScheduler.newTenant(), null, "run-sse-theirs");
    Started mine = new Started(tenant, null, "run-sse-mine");
    RunWatch watch =
        new RunWatch(
            TenantId.of(tenant),
            RunId.of("run-sse-mine"),
            io.faultline.events.ids.ExperimentId.of("e-sse"),
            List.of(),
            List.of(),
            WatchPhase.RUNNING,
            0,
            null,
            1,
            Instant.now());
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              runs.reading(other, watch, "their-probe", true);
              runs.reading(mine, watch, "my-probe", false);
              assertThat(lines).anyMatch(l -> l.equals("event:io.faultline.run.v1"));
              assertThat(lines)
                  .anyMatch(
                      l ->
                          l.startsWith("data:")
                              && l.contains("\"kind\":\"PROBE_READING\"")
                              && l.contains("my-probe"));
            });
    assertThat(lines).noneMatch(l -> l.contains("their-probe"));
  }
}
