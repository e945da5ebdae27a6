package io.faultline.cli.run;

import static io.faultline.cli.run.RunFixtures.aRunningRun;
import static io.faultline.cli.run.RunFixtures.anEndedRun;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.faultline.cli.ExitCode;
import org.junit.jupiter.api.Test;

class RunOutcomeTest {
  @Test
  void aRunningRunHasNotEnded() {
    assertThat(RunOutcome.ended(aRunningRun())).isFalse();
    assertThat(RunOutcome.ended(aRunningRun().put("status", "BAKING"))).isFalse();
  }

  @Test
  void aRunHasEndedWithAnEndTimeAFinalStatusOrAVerdict() {
    assertThat(RunOutcome.ended(anEndedRun("COMPLETED", null))).isTrue();
    assertThat(RunOutcome.ended(aRunningRun().put("status", "ABORTED"))).isTrue();
    assertThat(RunOutcome.ended(aRunningRun().put("verdict", "INCONCLUSIVE"))).isTrue();
  }

  @Test
  void theVerdictDecidesTheExitCode() {
    assertThat(RunOutcome.of(anEndedRun("COMPLETED", "HYPOTHESIS_HELD")).exitCode())
        .isEqualTo(ExitCode.OK);
    assertThat(RunOutcome.of(anEndedRun("ABORTED", "HYPOTHESIS_REFUTED")).exitCode())
        .isEqualTo(ExitCode.REFUTED);
    assertThat(RunOutcome.of(anEndedRun("COMPLETED", "INCONCLUSIVE")).exitCode())
        .isEqualTo(ExitCode.INCONCLUSIVE);
    assertThat(RunOutcome.of(anEndedRun("COMPLETED", "HYPOTHESIS_HELD")).message())
        .isEqualTo("run run-1 ended COMPLETED: verdict HYPOTHESIS_HELD");
  }

  @Test
  void aCompletedRunWithoutAVerdictIsInconclusiveAndSaysSo() {
    RunOutcome outcome = RunOutcome.of(anEndedRun("COMPLETED", null));
    assertThat(outcome.exitCode()).isEqualTo(ExitCode.INCONCLUSIVE);
    assertThat(outcome.exitCode().code()).isEqualTo(2);
    assertThat(outcome.verdict()).isNull();
    assertThat(outcome.message())
        .isEqualTo("run run-1 ended COMPLETED without a verdict: treated as INCONCLUSIVE");
    assertThat(RunOutcome.unsettled(anEndedRun("COMPLETED", null))).isTrue();
  }

  @Test
  void aFailedRunWithoutAVerdictIsInconclusiveWithItsStopReason() {
    ObjectNode run = anEndedRun("FAILED", null).put("stopReason", "fault f-1 FAILED (INJECT)");
    assertThat(RunOutcome.of(run).message())
        .isEqualTo(
            "run run-1 ended FAILED (fault f-1 FAILED (INJECT)) without a verdict: treated as"
                + " INCONCLUSIVE");
  }

  @Test
  void aRunRefusedBeforeItsFirstWaveIsRefusedWhateverItsVerdict() {
    ObjectNode notSteady =
        anEndedRun("REFUSED", "INCONCLUSIVE").put("stopReason", "NOT_STEADY: probe api-ok failed");
    RunOutcome outcome = RunOutcome.of(notSteady);
    assertThat(outcome.exitCode()).isEqualTo(ExitCode.REFUSED);
    assertThat(outcome.message())
        .isEqualTo("run run-1 was refused before its first wave (NOT_STEADY: probe api-ok failed)");
    ObjectNode account =
        anEndedRun("REFUSED", "INCONCLUSIVE").put("stopReason", "PROBE_ACCOUNT: 111111111111");
    assertThat(RunOutcome.of(account).exitCode()).isEqualTo(ExitCode.REFUSED);
    assertThat(RunOutcome.ended(account)).isTrue();
  }

  @Test
  void theVerdictReasonIsShown() {
    ObjectNode run =
        anEndedRun("COMPLETED", "INCONCLUSIVE")
            .put("verdictReason", "no steady-state probe: nothing tested the hypothesis");
    assertThat(RunOutcome.of(run).message())
        .isEqualTo(
            "run run-1 ended COMPLETED: verdict INCONCLUSIVE (no steady-state probe: nothing"
                + " tested the hypothesis)");
  }

  @Test
  void anAbortedInconclusiveRunMayStillBeCorrectedByALateBreach() {
    assertThat(RunOutcome.unsettled(anEndedRun("ABORTED", "INCONCLUSIVE"))).isTrue();
    assertThat(RunOutcome.unsettled(anEndedRun("ABORTED", "HYPOTHESIS_REFUTED"))).isFalse();
    assertThat(RunOutcome.unsettled(anEndedRun("COMPLETED", "INCONCLUSIVE"))).isFalse();
    assertThat(RunOutcome.unsettled(aRunningRun())).isFalse();
  }

  @Test
  void anUnknownVerdictNeverPassesTheGate() {
    RunOutcome outcome = RunOutcome.of(anEndedRun("COMPLETED", "MOSTLY_HELD"));
    assertThat(outcome.exitCode()).isEqualTo(ExitCode.INCONCLUSIVE);
    assertThat(outcome.message()).contains("MOSTLY_HELD").contains("treated as INCONCLUSIVE");
  }
}
