package io.faultline.scheduler.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.AwsRegion;
import io.faultline.events.ids.ExperimentId;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.FaultType;
import io.faultline.events.ids.RunId;
import io.faultline.events.ids.TenantId;
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.lifecycle.RunningFault;
import io.faultline.events.lifecycle.TargetOutcome;
import io.faultline.events.lifecycle.TargetStatus;
import io.faultline.events.lifecycle.TargetSummary;
import io.faultline.scheduler.engine.RunProgress.Outcome;
import io.faultline.scheduler.engine.RunProgress.Step;
import io.faultline.scheduler.state.Run;
import io.faultline.scheduler.state.RunFault;
import io.faultline.scheduler.state.RunStatus;
import io.faultline.scheduler.state.RunWave;
import io.faultline.scheduler.state.TimelineEntry;
import io.faultline.scheduler.state.WaveStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RunProgressTest {
  private static final Instant T0 = RunPlannerTest.NOW;
  private static final Instant T1 = T0.plusSeconds(60);
  private static final Instant T2 = T0.plusSeconds(120);

  /** dry run → canary → everything over two targets, its first wave started at T0. */
  private static Run started() {
    Run planned = RunPlannerTest.planned(RunPlannerTest.TWO_TARGETS, RunPlannerTest.DRY_CANARY_ALL);
    return RunProgress.startWave(planned, 0, T0);
  }

  private static FaultLifecycleEvent event(String faultId, LifecycleStage stage, long sequence) {
    FailureReason reason =
        switch (stage) {
          case REJECTED -> FailureReason.POLICY_RULE;
          case ABORTED -> FailureReason.ABORTED;
          case FAILED -> FailureReason.INJECT;
          case LEASE_EXPIRED -> FailureReason.TIMEOUT;
          default -> null;
        };
    return new FaultLifecycleEvent(
        FaultId.of(faultId),
        TenantId.of("acme"),
        ExperimentId.of("e1"),
        RunId.of("run-1"),
        FaultType.of("ec2-process-kill"),
        AccountId.of("111111111111"),
        AwsRegion.of("eu-west-1"),
        stage,
        sequence,
        T0.plusSeconds(sequence),
        stage.producer(),
        false,
        null,
        List.of(
            new TargetOutcome(
                "i-0abc12345def67890", "ec2-instance", TargetStatus.INJECTED, "cmd-1", null)),
        List.of("cmd-1"),
        reason,
        reason == null ? null : "agent offline",
        null,
        "0af7651916cd43dd8448eb211c80319c");
  }

  private static Run apply(Run run, String faultId, LifecycleStage stage, long sequence) {
    return RunProgress.apply(run, event(faultId, stage, sequence), T1).run();
  }

  /** Both faults of the current wave complete (approved, started, completed). */
  private static Run completeWave(Run run, int wave) {
    for (String id : run.waves().get(wave).faultIds()) {
      run = apply(run, id, LifecycleStage.APPROVED, 1);
      run = apply(run, id, LifecycleStage.COMPLETED, 2);
    }
    return run;
  }

  private static RunFault fault(Run run, String faultId) {
    return run.faults().stream().filter(f -> f.faultId().equals(faultId)).findFirst().orElseThrow();
  }

  @Test
  void startingAWaveRequestsOnlyItsFaultsAndMarksItRunning() {
    Run run = started();

    assertThat(run.currentWave()).isZero();
    assertThat(run.waves().get(0))
        .extracting(RunWave::status, RunWave::startedAt, RunWave::endedAt)
        .containsExactly(WaveStatus.RUNNING, T0, null);
    assertThat(run.waves().get(1).status()).isEqualTo(WaveStatus.PENDING);
    assertThat(run.faults())
        .extracting(RunFault::stage)
        .containsExactly("REQUESTED", "REQUESTED", "PLANNED", "PLANNED", "PLANNED", "PLANNED");
  }

  @Test
  void recordsAFaultsStageSequenceAndReason() {
    Step step = RunProgress.apply(started(), event("run-1.w0.t0", LifecycleStage.STARTED, 2), T1);

    assertThat(step.outcome()).isEqualTo(Outcome.RECORDED);
    assertThat(fault(step.run(), "run-1.w0.t0"))
        .extracting(RunFault::stage, RunFault::sequence, RunFault::seen)
        .containsExactly("STARTED", 2L, List.of(2L));
    assertThat(step.run().status()).isEqualTo(RunStatus.RUNNING);
  }

  @Test
  void ignoresARedeliveredEvent() {
    Run once = apply(started(), "run-1.w0.t0", LifecycleStage.STARTED, 2);

    Step again = RunProgress.apply(once, event("run-1.w0.t0", LifecycleStage.STARTED, 2), T2);

    assertThat(again.outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(again.run()).isSameAs(once);
  }

  @Test
  void ignoresAnEventOfAFaultThatIsNotInTheRun() {
    Run run = started();

    Step step = RunProgress.apply(run, event("run-9.w0.t0", LifecycleStage.FAILED, 2), T1);

    assertThat(step.outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(step.run()).isSameAs(run);
  }

  @Test
  void anOlderEventArrivingLateIsSeenButDoesNotMoveTheStageBack() {
    Run injected = apply(started(), "run-1.w0.t0", LifecycleStage.INJECTED, 4);

    Step late = RunProgress.apply(injected, event("run-1.w0.t0", LifecycleStage.STARTED, 2), T2);

    assertThat(late.outcome()).isEqualTo(Outcome.RECORDED);
    assertThat(fault(late.run(), "run-1.w0.t0"))
        .extracting(RunFault::stage, RunFault::sequence, RunFault::seen)
        .containsExactly("INJECTED", 4L, List.of(4L, 2L));
  }

  @Test
  void aWaveCompletesOnlyWhenEveryOneOfItsFaultsCompleted() {
    Run one = apply(started(), "run-1.w0.t0", LifecycleStage.COMPLETED, 5);
    assertThat(one.waves().get(0).status()).isEqualTo(WaveStatus.RUNNING);

    Step both = RunProgress.apply(one, event("run-1.w0.t1", LifecycleStage.COMPLETED, 5), T2);

    assertThat(both.outcome()).isEqualTo(Outcome.WAVE_COMPLETED);
    assertThat(both.nextWave()).isEqualTo(1);
    assertThat(both.run().waves().get(0))
        .extracting(RunWave::status, RunWave::startedAt, RunWave::endedAt)
        .containsExactly(WaveStatus.COMPLETED, T0, T2);
    // Promotion is the caller's: the next wave starts only once its requests are out.
    assertThat(both.run().currentWave()).isZero();
    assertThat(both.run().waves().get(1).status()).isEqualTo(WaveStatus.PENDING);
    assertThat(both.run().status()).isEqualTo(RunStatus.RUNNING);
  }

  @Test
  void aDryRunWaveIsPromotedLikeAnyOtherWhenItsFaultsComplete() {
    Run run = started();
    assertThat(run.waves().get(0).dryRun()).isTrue();

    Run promoted = RunProgress.startWave(completeWave(run, 0), 1, T2);

    assertThat(promoted.currentWave()).isEqualTo(1);
    assertThat(promoted.waves())
        .extracting(RunWave::status)
        .containsExactly(WaveStatus.COMPLETED, WaveStatus.RUNNING, WaveStatus.PENDING);
    assertThat(fault(promoted, "run-1.w1.t0").stage()).isEqualTo("REQUESTED");
    assertThat(fault(promoted, "run-1.w0.t0").stage()).isEqualTo("COMPLETED");
  }

  @Test
  void theRunCompletesWhenItsLastWaveCompletes() {
    Run run = started();
    run = RunProgress.startWave(completeWave(run, 0), 1, T1);
    run = RunProgress.startWave(completeWave(run, 1), 2, T1);
    run = apply(run, "run-1.w2.t0", LifecycleStage.COMPLETED, 3);

    Step last = RunProgress.apply(run, event("run-1.w2.t1", LifecycleStage.COMPLETED, 3), T2);

    assertThat(last.outcome()).isEqualTo(Outcome.RUN_COMPLETED);
    assertThat(last.run().status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(last.run().endedAt()).isEqualTo(T2);
    assertThat(last.run().stopReason()).isNull();
    assertThat(last.run().waves()).allMatch(w -> w.status() == WaveStatus.COMPLETED);
  }

  @Test
  void aFailedFaultStopsTheRunFailsItsWaveAndCancelsTheLaterOnes() {
    Step step = RunProgress.apply(started(), event("run-1.w0.t1", LifecycleStage.FAILED, 3), T1);

    assertThat(step.outcome()).isEqualTo(Outcome.STOPPED);
    Run run = step.run();
    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.endedAt()).isEqualTo(T1);
    assertThat(run.stopReason()).isEqualTo("fault run-1.w0.t1 FAILED (INJECT): agent offline");
    assertThat(run.waves())
        .extracting(RunWave::status)
        .containsExactly(WaveStatus.FAILED, WaveStatus.CANCELLED, WaveStatus.CANCELLED);
    assertThat(run.waves().get(0).endedAt()).isEqualTo(T1);
    assertThat(fault(run, "run-1.w0.t1").reason()).isEqualTo("INJECT");
  }

  @Test
  void aRejectedFaultFailsTheRun() {
    Step step = RunProgress.apply(started(), event("run-1.w0.t0", LifecycleStage.REJECTED, 1), T1);

    assertThat(step.outcome()).isEqualTo(Outcome.STOPPED);
    assertThat(step.run().status()).isEqualTo(RunStatus.FAILED);
    assertThat(step.run().stopReason()).startsWith("fault run-1.w0.t0 REJECTED (POLICY_RULE)");
  }

  @Test
  void anAbortedFaultAbortsTheRunAndCancelsItsRunningWave() {
    Step step = RunProgress.apply(started(), event("run-1.w0.t0", LifecycleStage.ABORTED, 4), T1);

    assertThat(step.outcome()).isEqualTo(Outcome.STOPPED);
    assertThat(step.run().status()).isEqualTo(RunStatus.ABORTED);
    assertThat(step.run().waves())
        .extracting(RunWave::status)
        .containsExactly(WaveStatus.CANCELLED, WaveStatus.CANCELLED, WaveStatus.CANCELLED);
  }

  @Test
  void aFailureInALaterWaveKeepsTheEarlierWavesCompleted() {
    Run run = RunProgress.startWave(completeWave(started(), 0), 1, T1);

    Step step = RunProgress.apply(run, event("run-1.w1.t0", LifecycleStage.FAILED, 3), T2);

    assertThat(step.run().waves())
        .extracting(RunWave::status)
        .containsExactly(WaveStatus.COMPLETED, WaveStatus.FAILED, WaveStatus.CANCELLED);
  }

  @Test
  void onceStoppedTheRunRecordsLaterEventsButNeverPromotesOrStopsAgain() {
    Run failed = apply(started(), "run-1.w0.t0", LifecycleStage.FAILED, 3);

    Step completed =
        RunProgress.apply(failed, event("run-1.w0.t1", LifecycleStage.COMPLETED, 5), T2);
    Step alsoFailed =
        RunProgress.apply(completed.run(), event("run-1.w0.t1", LifecycleStage.ABORTED, 6), T2);

    assertThat(completed.outcome()).isEqualTo(Outcome.RECORDED);
    assertThat(alsoFailed.outcome()).isEqualTo(Outcome.RECORDED);
    assertThat(alsoFailed.run().status()).isEqualTo(RunStatus.FAILED);
    assertThat(alsoFailed.run().endedAt()).isEqualTo(T1);
    assertThat(alsoFailed.run().stopReason()).contains("run-1.w0.t0");
    assertThat(alsoFailed.run().waves()).isEqualTo(failed.waves());
    assertThat(fault(alsoFailed.run(), "run-1.w0.t1").stage()).isEqualTo("ABORTED");
  }

  @Test
  void aRedeliveredCompletionOfAnEarlierWaveDoesNotPromoteAgain() {
    Run run = started();
    run = apply(run, "run-1.w0.t0", LifecycleStage.COMPLETED, 2);
    run = apply(run, "run-1.w0.t1", LifecycleStage.COMPLETED, 2);
    run = RunProgress.startWave(run, 1, T1);

    Step again = RunProgress.apply(run, event("run-1.w0.t1", LifecycleStage.COMPLETED, 2), T2);

    assertThat(again.outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(again.run().currentWave()).isEqualTo(1);
  }

  @Test
  void anEarlierEventArrivingAfterACompletionStillLetsTheWaveComplete() {
    Run run = apply(started(), "run-1.w0.t0", LifecycleStage.COMPLETED, 5);
    run = apply(run, "run-1.w0.t0", LifecycleStage.INJECTED, 3);
    assertThat(fault(run, "run-1.w0.t0").stage()).isEqualTo("COMPLETED");

    Step step = RunProgress.apply(run, event("run-1.w0.t1", LifecycleStage.COMPLETED, 5), T2);

    assertThat(step.outcome()).isEqualTo(Outcome.WAVE_COMPLETED);
  }

  @Test
  void anExpiredLeaseIsRecordedWithoutStoppingTheRun() {
    Step step =
        RunProgress.apply(started(), event("run-1.w0.t0", LifecycleStage.LEASE_EXPIRED, 6), T1);

    assertThat(step.outcome()).isEqualTo(Outcome.RECORDED);
    assertThat(step.run().status()).isEqualTo(RunStatus.RUNNING);
    assertThat(fault(step.run(), "run-1.w0.t0").stage()).isEqualTo("LEASE_EXPIRED");
  }

  @Test
  void dropsATimelineARunCarriedBeforeTimelinesHadTheirOwnStore() {
    Run legacy = started();
    TimelineEntry old = RunProgress.timelineEntry(event("run-1.w0.t0", LifecycleStage.APPROVED, 1));
    legacy =
        legacy.with(legacy.status(), 0, legacy.waves(), legacy.faults(), List.of(old), null, null);

    Run run = apply(legacy, "run-1.w0.t0", LifecycleStage.STARTED, 2);

    assertThat(run.timeline()).isEmpty();
  }

  @Test
  void anOperatorAbortEndsARunningRunAndCancelsItsWaves() {
    Run aborted = RunProgress.abort(started(), "user:ops", "game day over", T1).orElseThrow();

    assertThat(aborted.status()).isEqualTo(RunStatus.ABORTED);
    assertThat(aborted.stopReason()).isEqualTo("aborted by user:ops: game day over");
    assertThat(aborted.endedAt()).isEqualTo(T1);
    assertThat(aborted.waves())
        .extracting(RunWave::status)
        .containsExactly(WaveStatus.CANCELLED, WaveStatus.CANCELLED, WaveStatus.CANCELLED);
    assertThat(RunProgress.abort(started(), "user:ops", null, T1).orElseThrow().stopReason())
        .isEqualTo("aborted by user:ops");
  }

  @Test
  void anOperatorAbortLeavesARunThatAlreadyEndedAsItIs() {
    Run failed = apply(started(), "run-1.w0.t0", LifecycleStage.FAILED, 3);

    assertThat(RunProgress.abort(failed, "user:ops", null, T2)).isEmpty();
  }

  @Test
  void aTimelineEntryCarriesWhatTheEventSays() {
    TimelineEntry entry = RunProgress.timelineEntry(event("run-1.w0.t0", LifecycleStage.FAILED, 3));

    assertThat(entry)
        .isEqualTo(
            new TimelineEntry(
                "run-1.w0.t0",
                "FAILED",
                3,
                T0.plusSeconds(3),
                "executor-service",
                "INJECT",
                "agent offline",
                List.of("i-0abc12345def67890"),
                List.of("cmd-1"),
                new TargetSummary(1, Map.of(TargetStatus.INJECTED, 1), 0, 1, 0, false),
                "0af7651916cd43dd8448eb211c80319c"));
  }

  @Test
  void aTimelineEntryCountsEveryTargetOfASampledEvent() {
    FaultLifecycleEvent template = event("run-1.w0.t0", LifecycleStage.TARGETS_RESOLVED, 3);
    List<TargetOutcome> all =
        IntStream.range(0, 2_000)
            .mapToObj(
                i ->
                    new TargetOutcome(
                        "i-%017x".formatted(i),
                        "ec2-instance",
                        i < 2 ? TargetStatus.RESOLVED : TargetStatus.SKIPPED,
                        null,
                        null))
            .toList();
    FaultLifecycleEvent sampled =
        FaultLifecycleEvent.targetsResolved(
            RunningFault.sampled(
                template.coordinates(),
                false,
                io.faultline.events.catalogue.FaultCatalogue.standard()
                    .validate(
                        template.faultType(),
                        Map.of("PROCESS_IDS", "4242", "EC2_INSTANCE_TAG", "app:web")),
                all,
                List.of(),
                template.traceId(),
                100),
            3,
            T0,
            "chose 2 of 2000");

    TimelineEntry entry = RunProgress.timelineEntry(sampled);

    assertThat(entry.targets()).hasSize(100);
    assertThat(entry.targetSummary().total()).isEqualTo(2_000);
    assertThat(entry.targetSummary().count(TargetStatus.RESOLVED)).isEqualTo(2);
    assertThat(entry.targetSummary().count(TargetStatus.SKIPPED)).isEqualTo(1_998);
    assertThat(entry.targetSummary().truncated()).isTrue();
  }
}
