package io.faultline.scheduler;

import static io.faultline.scheduler.RunHarness.experiment;
import static io.faultline.scheduler.RunHarness.http;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.faultline.events.probe.RunEvent;
import io.faultline.events.probe.RunEventKind;
import io.faultline.events.probe.RunWatch;
import io.faultline.events.probe.Verdict;
import io.faultline.events.probe.WatchPhase;
import io.faultline.scheduler.RunHarness.Started;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Watches no executor answers: an instance of its own gives a steady-state check, bake or final
 * check 6 s without a probe reading ({@code faultline.scheduler.probes.reading-timeout}), then ends
 * the run with a reason saying so instead of waiting forever. The test plays the executors only
 * where a run must get past a phase.
 */
class UnansweredWatchIT {
  private static final String SILENCE = "no probe reading arrived within 6s";

  private static SchedulerInstance app;
  private static RunHarness runs;

  @BeforeAll
  static void start() {
    app =
        SchedulerInstance.start(
            "sched-unanswered-" + UUID.randomUUID(),
            Clock.systemUTC(),
            Map.of("faultline.scheduler.probes.reading-timeout", "6s"));
    runs = new RunHarness(app, Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() {
    runs.close();
    app.close();
  }

  @Test
  void anUnansweredSteadyStateRefusesTheRunSayingNoReadingArrived() {
    Started s = runs.runNow(experiment(List.of(http("api-ok")), List.of(), 0, 2));
    runs.awaitWatch(s, WatchPhase.STEADY_STATE);

    JsonNode run = runs.awaitStatus(s, "REFUSED");
    assertThat(run.path("stopReason").asText())
        .startsWith("NOT_STEADY: steady state unanswered: " + SILENCE);
    assertThat(run.path("verdict").asText()).isEqualTo("INCONCLUSIVE");
    assertThat(run.path("verdictReason").asText())
        .contains("refused before any fault")
        .contains(SILENCE);
    assertThat(run.path("waves").path(0).path("status").asText()).isEqualTo("CANCELLED");
    runs.awaitTombstone(s);
    assertThat(runs.awaitVerdict(s).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(runs.requestsOf(s)).isEmpty();
  }

  @Test
  void anUnansweredFinalCheckEndsTheRunInconclusive() {
    Started s = runs.runNow(experiment(List.of(http("api-ok")), List.of(), 0, 1));
    runs.result(s, RunEventKind.STEADY_STATE_HELD, runs.awaitWatch(s, WatchPhase.STEADY_STATE));
    runs.executor().complete(runs.awaitRequests(s, 1).getFirst());
    runs.awaitWatch(s, WatchPhase.FINAL_CHECK);

    JsonNode run = runs.awaitStatus(s, "COMPLETED");
    assertThat(run.path("verdict").asText()).isEqualTo("INCONCLUSIVE");
    assertThat(run.path("verdictReason").asText())
        .isEqualTo(
            "the final check was unanswered: "
                + SILENCE
                + " (is any executor evaluating run"
                + " watches?)");
    runs.awaitTombstone(s);
    RunEvent verdict = runs.awaitVerdict(s);
    assertThat(verdict.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(verdict.detail()).startsWith("the final check was unanswered");
  }

  @Test
  void aBakeWaitsWhileReadingsArriveAndFailsTheRunOnceTheyStop() {
    Started s = runs.runNow(experiment(List.of(http("api-ok")), List.of(), 120, 2));
    runs.result(s, RunEventKind.STEADY_STATE_HELD, runs.awaitWatch(s, WatchPhase.STEADY_STATE));
    runs.executor().complete(runs.awaitRequests(s, 1).getFirst());
    RunWatch baking = runs.awaitWatch(s, WatchPhase.BAKING);

    // Readings every second for twice the limit: the bake is being evaluated, the run waits.
    Instant until = Instant.now().plusSeconds(12);
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              runs.reading(s, baking, "api-ok", true);
              assertThat(runs.run(s).path("status").asText()).isEqualTo("RUNNING");
              return Instant.now().isAfter(until);
            });

    JsonNode run = runs.awaitStatus(s, "FAILED");
    assertThat(run.path("stopReason").asText())
        .startsWith("BAKE_UNANSWERED: wave 1 (wave 1) could not be promoted: " + SILENCE);
    assertThat(run.path("verdict").asText()).isEqualTo("INCONCLUSIVE");
    assertThat(run.path("waves").path(0).path("status").asText()).isEqualTo("FAILED");
    assertThat(run.path("waves").path(1).path("status").asText()).isEqualTo("CANCELLED");
    runs.awaitTombstone(s);
    assertThat(runs.requestsOf(s)).hasSize(1);
  }
}
