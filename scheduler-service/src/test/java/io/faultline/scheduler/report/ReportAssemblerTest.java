package io.faultline.scheduler.report;

import static io.faultline.scheduler.report.ReportFixtures.FAULT_TRACE;
import static io.faultline.scheduler.report.ReportFixtures.RUN_TRACE;
import static io.faultline.scheduler.report.ReportFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.probe.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportAssemblerTest {
  private final RunReport report = ReportFixtures.report();

  @Test
  void givesEachFaultItsWaveTargetsOutcomeAndTimes() {
    assertThat(report.faults())
        .extracting(ReportFault::faultId)
        .containsExactly("f-0-a", "f-1-a", "f-1-b");
    ReportFault canary = report.faults().getFirst();
    assertThat(canary.waveName()).startsWith("canary ");
    assertThat(canary.targets()).containsExactly("i-0abc12345def67890");
    assertThat(canary.injectedAt()).isEqualTo(T0.plusSeconds(10));
    assertThat(canary.endedAt()).isEqualTo(T0.plusSeconds(38));
    ReportFault failed = report.faults().get(2);
    assertThat(failed.outcome()).isEqualTo("FAILED");
    assertThat(failed.reason()).isEqualTo("INJECT");
    assertThat(failed.injectedAt()).isNull();
    assertThat(failed.endedAt()).isEqualTo(T0.plusSeconds(60));
    assertThat(failed.traceId()).isEqualTo(FAULT_TRACE);
  }

  @Test
  void listsTheRunRequestsTraceFirstThenEveryFaultTrace() {
    assertThat(report.traces())
        .containsExactly(
            new ReportTrace(RUN_TRACE, true, List.of("f-0-a", "f-1-a")),
            new ReportTrace(FAULT_TRACE, false, List.of("f-1-b")));
  }

  @Test
  void placesEachTimelineEventInItsFaultsWave() {
    assertThat(report.timeline()).hasSize(7);
    assertThat(report.timeline())
        .filteredOn(e -> e.faultId().equals("f-0-a"))
        .allMatch(e -> e.wave() == 0);
    assertThat(report.timeline())
        .filteredOn(e -> e.faultId().startsWith("f-1"))
        .allMatch(e -> e.wave() == 1);
  }

  @Test
  void keepsTheVerdictAndSortsAndSummarisesTheReadings() {
    assertThat(report.verdict()).isEqualTo(Verdict.HYPOTHESIS_REFUTED);
    assertThat(report.verdictReason()).startsWith("probe errors breached");
    assertThat(report.readings())
        .hasSize(20)
        .isSortedAccordingTo((a, b) -> a.at().compareTo(b.at()));
    assertThat(report.probes()).hasSize(2);
    ProbeSummary http = report.probes().getFirst();
    assertThat(http.probe()).isEqualTo("api-ok");
    assertThat(http.readings()).isEqualTo(12);
    assertThat(http.failing()).isEqualTo(1);
    assertThat(http.minValue()).isNull();
    ProbeSummary alarm = report.probes().get(1);
    assertThat(alarm.failing()).isEqualTo(2);
    assertThat(alarm.lastOk()).isTrue();
  }

  @Test
  void aRunWithoutOutcomeHasNoVerdictAndNoReadings() {
    RunReport bare =
        ReportAssembler.assemble(ReportFixtures.run(), List.of(), null, T0.plusSeconds(120));
    assertThat(bare.verdict()).isNull();
    assertThat(bare.readings()).isEmpty();
    assertThat(bare.probes()).isEmpty();
    assertThat(bare.traces()).containsExactly(new ReportTrace(RUN_TRACE, true, List.of()));
    assertThat(bare.faults()).allMatch(f -> f.targets().isEmpty() && f.endedAt() == null);
  }
}
