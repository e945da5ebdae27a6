package io.faultline.scheduler.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.ids.RunId;
import io.faultline.events.ids.TenantId;
import io.faultline.events.probe.ProbeCatalogue;
import io.faultline.events.probe.ProbeDefinition;
import io.faultline.events.probe.ProbeReading;
import io.faultline.events.probe.RunEvent;
import io.faultline.events.probe.RunEventKind;
import io.faultline.events.probe.Verdict;
import io.faultline.events.probe.WatchPhase;
import io.faultline.scheduler.state.Experiment;
import io.faultline.scheduler.state.Run;
import io.faultline.scheduler.state.RunStatus;
import io.faultline.scheduler.state.Wave;
import io.faultline.scheduler.state.WaveStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RunGatesTest {
  private static final Instant T0 = RunPlannerTest.NOW;
  private static final Instant T1 = T0.plusSeconds(60);
  private static final String ACCOUNT = "111111111111";

  static ProbeDefinition alarm(String name, String account) {
    return ProbeCatalogue.standard()
        .validate(
            Map.of(
                "name",
                name,
                "type",
                "cloudwatch-alarm",
                "alarmName",
                "api-5xx",
                "accountId",
                account,
                "region",
                "eu-west-1"));
  }

  private static Experiment experiment(
      List<ProbeDefinition> steady, List<ProbeDefinition> stops, int bake, List<Wave> waves) {
    return new Experiment(
        "acme",
        "e1",
        "kill web",
        "ec2-process-kill",
        Map.of("PROCESS_IDS", "1234", "EC2_INSTANCE_TAG", "app:web"),
        "the web tier survives",
        steady,
        stops,
        RunPlannerTest.TWO_TARGETS,
        waves,
        bake,
        T0,
        "user:x",
        "c0");
  }

  private static final List<Wave> TWO_WAVES =
      List.of(new Wave("canary", false, Map.of()), new Wave("all", false, Map.of(), 0));

  private static RunGates.Next start(Experiment e) {
    Run planned = RunPlanner.plan(e, "run-1", RunPlannerTest.runNow(), T0);
    return RunGates.start(planned, e, Set.of(ACCOUNT), T0);
  }

  private static RunEvent event(RunEventKind kind, long revision) {
    return new RunEvent(
        "ev-" + kind + "-" + revision,
        TenantId.of("acme"),
        RunId.of("run-1"),
        kind,
        kind == RunEventKind.STOP_CONDITION_BREACHED ? "errors" : null,
        kind == RunEventKind.STOP_CONDITION_BREACHED ? ProbeReading.ofState(false, "ALARM") : null,
        null,
        0,
        revision,
        T1,
        null,
        null);
  }

  private static RunEvent reading(String probe, boolean ok) {
    return new RunEvent(
        "reading-" + probe + "-" + ok,
        TenantId.of("acme"),
        RunId.of("run-1"),
        RunEventKind.PROBE_READING,
        probe,
        ProbeReading.ofState(ok, ok ? "OK" : "ALARM"),
        WatchPhase.RUNNING,
        0,
        1L,
        T1,
        null,
        null);
  }

  /** The run as the engine stores it after a step that starts a wave. */
  private static Run afterStart(RunGates.Next next) {
    return next instanceof RunGates.StartWave s
        ? RunProgress.startWave(s.run(), s.wave(), T0)
        : next.run();
  }

  @Test
  void anUnwatchedRunStartsItsFirstWaveAtOnceAndHasNoWatch() {
    RunGates.Next next = start(experiment(List.of(), List.of(), 0, TWO_WAVES));
    assertThat(next).isInstanceOf(RunGates.StartWave.class);
    assertThat(next.run().watch()).isNull();
  }

  @Test
  void steadyStateIsCheckedBeforeAnyWave() {
    RunGates.Next next =
        start(experiment(List.of(alarm("healthy", ACCOUNT)), List.of(), 0, TWO_WAVES));
    assertThat(next).isInstanceOf(RunGates.Watching.class);
    assertThat(next.run().watch().phase()).isEqualTo(WatchPhase.STEADY_STATE);
    assertThat(next.run().watch().revision()).isEqualTo(1);
    assertThat(next.run().waves()).allMatch(w -> w.status() == WaveStatus.PENDING);

    RunGates.Next held = RunGates.onEvent(next.run(), event(RunEventKind.STEADY_STATE_HELD, 1), T1);
    assertThat(held).isInstanceOf(RunGates.StartWave.class);
    assertThat(((RunGates.StartWave) held).wave()).isZero();
    assertThat(held.run().watch().phase()).isEqualTo(WatchPhase.RUNNING);
    assertThat(held.run().watch().revision()).isEqualTo(2);
  }

  @Test
  void aFailedSteadyStateRefusesTheRunNotSteadyAndInconclusive() {
    Run watching =
        start(experiment(List.of(alarm("healthy", ACCOUNT)), List.of(), 0, TWO_WAVES)).run();
    RunGates.Next next = RunGates.onEvent(watching, event(RunEventKind.STEADY_STATE_FAILED, 1), T1);
    assertThat(next).isInstanceOf(RunGates.Ended.class);
    Run run = next.run();
    assertThat(run.status()).isEqualTo(RunStatus.REFUSED);
    assertThat(run.stopReason()).startsWith("NOT_STEADY");
    assertThat(run.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(run.endedAt()).isEqualTo(T1);
    assertThat(run.waves()).allMatch(w -> w.status() == WaveStatus.CANCELLED);
  }

  @Test
  void aBreachBeforeTheFirstWaveRefusesTheRunNotSteady() {
    Run watching =
        start(
                experiment(
                    List.of(alarm("healthy", ACCOUNT)),
                    List.of(alarm("errors", ACCOUNT)),
                    0,
                    TWO_WAVES))
            .run();
    RunGates.Next next =
        RunGates.onEvent(watching, event(RunEventKind.STOP_CONDITION_BREACHED, 1), T1);
    assertThat(next.run().status()).isEqualTo(RunStatus.REFUSED);
    assertThat(next.run().stopReason()).startsWith("NOT_STEADY: stop condition probe errors");
    assertThat(next.run().verdict()).isEqualTo(Verdict.INCONCLUSIVE);
  }

  @Test
  void resultsOfAnotherRevisionOrPhaseAreIgnored() {
    Run watching =
        start(experiment(List.of(alarm("healthy", ACCOUNT)), List.of(), 0, TWO_WAVES)).run();
    assertThat(RunGates.onEvent(watching, event(RunEventKind.STEADY_STATE_HELD, 0), T1))
        .isInstanceOf(RunGates.Ignored.class);
    assertThat(RunGates.onEvent(watching, event(RunEventKind.STEADY_STATE_FAILED, 2), T1))
        .isInstanceOf(RunGates.Ignored.class);
    assertThat(RunGates.onEvent(watching, event(RunEventKind.BAKE_HELD, 1), T1))
        .isInstanceOf(RunGates.Ignored.class);
    assertThat(RunGates.onEvent(watching, event(RunEventKind.FINAL_STEADY_STATE_HELD, 1), T1))
        .isInstanceOf(RunGates.Ignored.class);
  }

  @Test
  void aWaveWithABakeWaitsForBakeHeldBeforeTheNextWave() {
    Run running =
        afterStart(start(experiment(List.of(), List.of(alarm("errors", ACCOUNT)), 30, TWO_WAVES)));
    assertThat(running.watch().phase()).isEqualTo(WatchPhase.RUNNING);

    RunGates.Next baking = RunGates.waveCompleted(running, 0, T1);
    assertThat(baking).isInstanceOf(RunGates.Watching.class);
    assertThat(baking.run().watch().phase()).isEqualTo(WatchPhase.BAKING);
    assertThat(baking.run().watch().bakeUntil()).isEqualTo(T1.plusSeconds(30));
    assertThat(baking.run().watch().revision()).isEqualTo(2);

    RunGates.Next promoted = RunGates.onEvent(baking.run(), event(RunEventKind.BAKE_HELD, 2), T1);
    assertThat(promoted).isInstanceOf(RunGates.StartWave.class);
    assertThat(((RunGates.StartWave) promoted).wave()).isEqualTo(1);
    assertThat(promoted.run().watch().phase()).isEqualTo(WatchPhase.RUNNING);
    assertThat(promoted.run().watch().wave()).isEqualTo(1);
    assertThat(promoted.run().watch().revision()).isEqualTo(3);

    // The last wave overrides the bake with 0, and no steady state: the run ends inconclusive.
    Run last = RunProgress.startWave(promoted.run(), 1, T1);
    RunGates.Next ended = RunGates.waveCompleted(last, 1, T1);
    assertThat(ended).isInstanceOf(RunGates.Ended.class);
    assertThat(ended.run().status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(ended.run().verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(ended.run().verdictReason()).isEqualTo(RunGates.NO_STEADY_STATE);
  }

  @Test
  void aFailedBakeStopsThePromotionAndRefutesTheHypothesis() {
    Run running =
        afterStart(start(experiment(List.of(), List.of(alarm("errors", ACCOUNT)), 30, TWO_WAVES)));
    Run baking = RunGates.waveCompleted(running, 0, T1).run();
    RunGates.Next next = RunGates.onEvent(baking, event(RunEventKind.BAKE_FAILED, 2), T1);
    assertThat(next).isInstanceOf(RunGates.Ended.class);
    assertThat(next.run().status()).isEqualTo(RunStatus.FAILED);
    assertThat(next.run().stopReason()).startsWith("BAKE_FAILED: wave 1 (canary)");
    assertThat(next.run().verdict()).isEqualTo(Verdict.HYPOTHESIS_REFUTED);
    assertThat(next.run().waves().get(0).status()).isEqualTo(WaveStatus.FAILED);
    assertThat(next.run().waves().get(1).status()).isEqualTo(WaveStatus.CANCELLED);
  }

  @Test
  void aBreachFromAnyRevisionAbortsTheRunAndRefutesTheHypothesis() {
    Run running =
        afterStart(start(experiment(List.of(), List.of(alarm("errors", ACCOUNT)), 0, TWO_WAVES)));
    RunGates.Next next =
        RunGates.onEvent(running, event(RunEventKind.STOP_CONDITION_BREACHED, 0), T1);
    assertThat(next).isInstanceOf(RunGates.Ended.class);
    assertThat(next.run().status()).isEqualTo(RunStatus.ABORTED);
    assertThat(next.run().stopReason()).startsWith("STOP_CONDITION: probe errors breached");
    assertThat(next.run().stopReason()).contains("state=ALARM");
    assertThat(next.run().verdict()).isEqualTo(Verdict.HYPOTHESIS_REFUTED);
    assertThat(next.run().waves().get(1).status()).isEqualTo(WaveStatus.CANCELLED);
  }

  @Test
  void aBreachArrivingAfterTheFaultsAbortedCorrectsTheVerdict() {
    Run running =
        afterStart(start(experiment(List.of(), List.of(alarm("errors", ACCOUNT)), 0, TWO_WAVES)));
    Run stopped =
        RunGates.stopped(
                RunProgress.stop(
                    running,
                    RunStatus.ABORTED,
                    "fault run-1.w0.t0 ABORTED (ABORTED): aborted by run abort",
                    T1))
            .run();
    assertThat(stopped.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    RunGates.Next next =
        RunGates.onEvent(stopped, event(RunEventKind.STOP_CONDITION_BREACHED, 1), T1);
    assertThat(next).isInstanceOf(RunGates.Corrected.class);
    assertThat(next.run().verdict()).isEqualTo(Verdict.HYPOTHESIS_REFUTED);
    assertThat(next.run().status()).isEqualTo(RunStatus.ABORTED);

    Run operatorAborted =
        RunGates.stopped(RunProgress.abort(running, "user:x", "enough", T1).orElseThrow()).run();
    assertThat(
            RunGates.onEvent(operatorAborted, event(RunEventKind.STOP_CONDITION_BREACHED, 1), T1))
        .isInstanceOf(RunGates.Ignored.class);
  }

  @Test
  void theFinalCheckDecidesTheVerdictAfterTheLastWave() {
    Experiment e =
        experiment(
            List.of(alarm("healthy", ACCOUNT)),
            List.of(),
            0,
            List.of(new Wave("all", false, Map.of())));
    Run watching = start(e).run();
    RunGates.Next first = RunGates.onEvent(watching, event(RunEventKind.STEADY_STATE_HELD, 1), T1);
    Run running = afterStart(first);
    RunGates.Next checking = RunGates.waveCompleted(running, 0, T1);
    assertThat(checking.run().watch().phase()).isEqualTo(WatchPhase.FINAL_CHECK);
    assertThat(checking.run().watch().revision()).isEqualTo(3);
    assertThat(checking.run().status()).isEqualTo(RunStatus.RUNNING);

    RunGates.Next held =
        RunGates.onEvent(checking.run(), event(RunEventKind.FINAL_STEADY_STATE_HELD, 3), T1);
    assertThat(held.run().status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(held.run().verdict()).isEqualTo(Verdict.HYPOTHESIS_HELD);

    RunGates.Next failed =
        RunGates.onEvent(checking.run(), event(RunEventKind.FINAL_STEADY_STATE_FAILED, 3), T1);
    assertThat(failed.run().status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(failed.run().verdict()).isEqualTo(Verdict.HYPOTHESIS_REFUTED);
  }

  @Test
  void aFaultFailingForItsOwnReasonsOrAnOperatorAbortIsInconclusive() {
    Run running = afterStart(start(experiment(List.of(), List.of(), 0, TWO_WAVES)));
    Run failed =
        RunGates.stopped(RunProgress.stop(running, RunStatus.FAILED, "fault x FAILED", T1)).run();
    assertThat(failed.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(failed.verdictReason()).contains("fault x FAILED");
    Run aborted =
        RunGates.stopped(RunProgress.abort(running, "user:x", "enough", T1).orElseThrow()).run();
    assertThat(aborted.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(aborted.verdictReason()).contains("aborted by user:x");
  }

  @Test
  void aProbeInAnAccountTheTenantNoLongerHasRefusesTheRun() {
    Experiment e = experiment(List.of(), List.of(alarm("errors", "333333333333")), 0, TWO_WAVES);
    Run planned = RunPlanner.plan(e, "run-1", RunPlannerTest.runNow(), T0);
    RunGates.Next next = RunGates.start(planned, e, Set.of(ACCOUNT), T0);
    assertThat(next).isInstanceOf(RunGates.Ended.class);
    assertThat(next.run().status()).isEqualTo(RunStatus.REFUSED);
    assertThat(next.run().stopReason()).contains("333333333333");
    assertThat(next.run().verdict()).isEqualTo(Verdict.INCONCLUSIVE);
  }

  @Test
  void readingsAreKeptNewestFirstOutUpToTheBound() {
    Run running =
        afterStart(start(experiment(List.of(), List.of(alarm("errors", ACCOUNT)), 0, TWO_WAVES)));
    Run run = running;
    for (int i = 0; i < Run.MAX_READINGS + 5; i++) {
      run = RunGates.onEvent(run, reading("p" + i, i % 2 == 0), T1).run();
    }
    Run kept = run;
    assertThat(kept.readings()).hasSize(Run.MAX_READINGS);
    assertThat(kept.readings().getFirst().probe()).isEqualTo("p5");
    assertThat(kept.readings().getLast().probe()).isEqualTo("p" + (Run.MAX_READINGS + 4));
    assertThat(kept.readings().getLast().state()).isEqualTo("OK");
    assertThat(kept.readings().getLast().phase()).isEqualTo(WatchPhase.RUNNING);
    assertThat(IntStream.range(0, 3).mapToObj(i -> kept.readings().get(i).ok()))
        .containsExactly(false, true, false);
  }
}
