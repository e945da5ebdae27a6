package io.faultline.scheduler.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.faultline.events.probe.Verdict;
import io.faultline.events.request.FaultRequested;
import io.faultline.scheduler.state.CommandKind;
import io.faultline.scheduler.state.Experiment;
import io.faultline.scheduler.state.MissedFirePolicy;
import io.faultline.scheduler.state.Run;
import io.faultline.scheduler.state.RunFault;
import io.faultline.scheduler.state.RunStatus;
import io.faultline.scheduler.state.RunWave;
import io.faultline.scheduler.state.Schedule;
import io.faultline.scheduler.state.SchedulerCommand;
import io.faultline.scheduler.state.StateJson;
import io.faultline.scheduler.state.Target;
import io.faultline.scheduler.state.Wave;
import io.faultline.scheduler.state.WaveStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunPlannerTest {
  static final Instant NOW = Instant.parse("2030-01-07T08:05:00Z");
  static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  static final List<Target> TWO_TARGETS =
      List.of(new Target("111111111111", "eu-west-1"), new Target("222222222222", "us-east-1"));
  static final List<Wave> DRY_CANARY_ALL =
      List.of(
          new Wave("dry run", true, Map.of()),
          new Wave("canary", false, Map.of("INSTANCE_AFFECTED_PERC", "25")),
          new Wave("everything", false, Map.of("INSTANCE_AFFECTED_PERC", "100")));

  static Experiment experiment(List<Target> targets, List<Wave> waves) {
    return new Experiment(
        "acme",
        "e1",
        "kill web",
        "ec2-process-kill",
        Map.of("PROCESS_IDS", "1234", "EC2_INSTANCE_TAG", "app:web"),
        "the web tier survives",
        List.of(),
        targets,
        waves,
        NOW,
        "user:x",
        "c0");
  }

  static RunPlanner.Origin runNow() {
    return RunPlanner.Origin.runNow(
        SchedulerCommand.of("c1", CommandKind.START_RUN, "acme", "run-1", NOW, "user:x")
            .withTraceparent(TRACEPARENT));
  }

  static Run planned(List<Target> targets, List<Wave> waves) {
    return RunPlanner.plan(experiment(targets, waves), "run-1", runNow(), NOW);
  }

  @Test
  void keepsTheHypothesisTheRunTestsThroughEveryLaterChangeOfTheRun() {
    Run run = planned(TWO_TARGETS, DRY_CANARY_ALL);

    assertThat(run.hypothesis()).isEqualTo("the web tier survives");
    Run later =
        run.with(RunStatus.COMPLETED, 2, run.waves(), run.faults(), List.of(), null, NOW)
            .withVerdict(Verdict.INCONCLUSIVE, "no steady state")
            .summary();
    assertThat(later.hypothesis()).isEqualTo("the web tier survives");
    assertThat(StateJson.read(StateJson.write(later), Run.class).hypothesis())
        .isEqualTo("the web tier survives");
  }

  @Test
  void plansOneFaultPerTargetAndWaveWithIdsFromRunWaveAndTarget() {
    Run run = planned(TWO_TARGETS, DRY_CANARY_ALL);

    assertThat(run.faults())
        .extracting(RunFault::faultId)
        .containsExactly(
            "run-1.w0.t0",
            "run-1.w0.t1",
            "run-1.w1.t0",
            "run-1.w1.t1",
            "run-1.w2.t0",
            "run-1.w2.t1");
    assertThat(run.faults()).allMatch(f -> f.stage().equals("PLANNED") && f.sequence() == 0);
    assertThat(run.faults().get(3))
        .extracting(RunFault::wave, RunFault::accountId, RunFault::region)
        .containsExactly(1, "222222222222", "us-east-1");
    assertThat(run.waves())
        .extracting(RunWave::name, RunWave::dryRun, RunWave::faultIds)
        .containsExactly(
            tuple("dry run", true, List.of("run-1.w0.t0", "run-1.w0.t1")),
            tuple("canary", false, List.of("run-1.w1.t0", "run-1.w1.t1")),
            tuple("everything", false, List.of("run-1.w2.t0", "run-1.w2.t1")));
  }

  @Test
  void aPlannedRunIsRunningFromItsFirstWaveWithNothingStartedYet() {
    Run run = planned(TWO_TARGETS, DRY_CANARY_ALL);

    assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
    assertThat(run.currentWave()).isZero();
    assertThat(run.waves())
        .allMatch(w -> w.status() == WaveStatus.PENDING && w.startedAt() == null);
    assertThat(run.startedAt()).isEqualTo(NOW);
    assertThat(run.endedAt()).isNull();
    assertThat(run.key()).isEqualTo("acme/run-1");
    assertThat(run.experimentName()).isEqualTo("kill web");
  }

  @Test
  void samePlanForTheSameInputsSoARefiredScheduleRequestsTheSameFaults() {
    assertThat(planned(TWO_TARGETS, DRY_CANARY_ALL))
        .isEqualTo(planned(TWO_TARGETS, DRY_CANARY_ALL));
  }

  @Test
  void eachWaveOverridesTheExperimentsTunablesWithItsOwn() {
    Run run = planned(TWO_TARGETS, DRY_CANARY_ALL);

    assertThat(run.waves().get(0).parameters())
        .containsEntry("PROCESS_IDS", "1234")
        .containsEntry("EC2_INSTANCE_TAG", "app:web");
    assertThat(run.waves().get(1).parameters())
        .containsEntry("PROCESS_IDS", "1234")
        .containsEntry("INSTANCE_AFFECTED_PERC", "25");
    assertThat(run.waves().get(2).parameters()).containsEntry("INSTANCE_AFFECTED_PERC", "100");
  }

  @Test
  void anExperimentWithoutWavesRunsEveryTargetInOneRealWave() {
    Run run = planned(TWO_TARGETS, List.of());

    assertThat(run.waves()).hasSize(1);
    assertThat(run.waves().getFirst().name()).isEqualTo("all");
    assertThat(run.waves().getFirst().dryRun()).isFalse();
    assertThat(run.waves().getFirst().faultIds()).containsExactly("run-1.w0.t0", "run-1.w0.t1");
  }

  @Test
  void refusesToPlanARunWhenAnyWavesTunablesAreRefused() {
    List<Wave> badCanary =
        List.of(
            new Wave("dry run", true, Map.of()),
            new Wave("canary", false, Map.of("PROCESS_IDS", "1; reboot")));

    assertThatThrownBy(() -> planned(TWO_TARGETS, badCanary))
        .isInstanceOf(RuntimeException.class)
        .hasMessageContaining("PROCESS_IDS");
  }

  @Test
  void aRunNowCarriesItsCallerAndTraceAndAScheduledRunItsScheduleAndFireTime() {
    Run now = planned(TWO_TARGETS, List.of());
    assertThat(now.requestedBy()).isEqualTo("user:x");
    assertThat(now.commandId()).isEqualTo("c1");
    assertThat(now.traceparent()).isEqualTo(TRACEPARENT);
    assertThat(now.scheduleId()).isNull();
    assertThat(now.fireTime()).isNull();

    Schedule schedule =
        new Schedule(
            "acme",
            "s1",
            "e1",
            "0 */5 * * * *",
            "UTC",
            null,
            true,
            null,
            null,
            MissedFirePolicy.FIRE_ONCE,
            0,
            null,
            null,
            null,
            null,
            null,
            null,
            "c2");
    Run scheduled =
        RunPlanner.plan(
            experiment(TWO_TARGETS, List.of()),
            "sch-s1-1",
            RunPlanner.Origin.scheduled(schedule, NOW),
            NOW);
    assertThat(scheduled.requestedBy()).isEqualTo("scheduler-service");
    assertThat(scheduled.commandId()).isEqualTo("c2");
    assertThat(scheduled.traceparent()).isNull();
    assertThat(scheduled.scheduleId()).isEqualTo("s1");
    assertThat(scheduled.fireTime()).isEqualTo(NOW);
  }

  @Test
  void aFaultsRequestCarriesItsWavesTunablesDryRunAndAReasonNamingTheWave() {
    Run run = planned(TWO_TARGETS, DRY_CANARY_ALL);
    Instant later = NOW.plusSeconds(60);

    FaultRequested dry =
        RunPlanner.request(
            run, run.faults().get(1), experiment(TWO_TARGETS, DRY_CANARY_ALL), later);
    assertThat(dry.faultId().value()).isEqualTo("run-1.w0.t1");
    assertThat(dry.runId().value()).isEqualTo("run-1");
    assertThat(dry.experimentId().value()).isEqualTo("e1");
    assertThat(dry.accountId().value()).isEqualTo("222222222222");
    assertThat(dry.region().value()).isEqualTo("us-east-1");
    assertThat(dry.dryRun()).isTrue();
    assertThat(dry.requestedBy()).isEqualTo("user:x");
    assertThat(dry.requestedAt()).isEqualTo(later);
    assertThat(dry.reason()).isEqualTo("kill web · wave 1/3 (dry run)");

    FaultRequested canary = RunPlanner.request(run, run.faults().get(2), null, later);
    assertThat(canary.dryRun()).isFalse();
    assertThat(canary.parameters().asMap()).containsEntry("INSTANCE_AFFECTED_PERC", "25");
    assertThat(canary.reason()).isEqualTo("kill web · wave 2/3 (canary)");
  }

  @Test
  void aRequestsReasonUsesTheExperimentsCurrentNameAndIsCutAt500Characters() {
    Run run = planned(TWO_TARGETS, List.of());
    Experiment renamed =
        new Experiment(
            "acme",
            "e1",
            "x".repeat(600),
            "ec2-process-kill",
            Map.of(),
            null,
            List.of(),
            TWO_TARGETS,
            List.of(),
            NOW,
            "user:x",
            "c9");

    assertThat(RunPlanner.request(run, run.faults().getFirst(), renamed, NOW).reason())
        .hasSize(500)
        .startsWith("xxx");
  }

  @Test
  void listsAWavesFaultsInTheRunsOrder() {
    Run run = planned(TWO_TARGETS, DRY_CANARY_ALL);

    assertThat(RunPlanner.faultsOf(run, 2))
        .extracting(RunFault::faultId)
        .containsExactly("run-1.w2.t0", "run-1.w2.t1");
  }
}
