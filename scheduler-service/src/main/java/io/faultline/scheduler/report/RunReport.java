package io.faultline.scheduler.report;

import io.faultline.events.probe.Verdict;
import io.faultline.scheduler.state.Run;
import io.faultline.scheduler.state.RunReading;
import io.faultline.scheduler.state.RunStatus;
import java.time.Instant;
import java.util.List;

/**
 * The report of one run: the same content as JSON and as the HTML page.
 *
 * @param hypothesis the experiment's hypothesis as it is now; null when the experiment was deleted
 * @param verdict the run's verdict on its hypothesis; null while it has none (a running run, or one
 *     that ended before verdicts existed)
 * @param stopReason why the run stopped early, null if it did not
 * @param traces the run request's trace first (when it had one), then each fault trace
 * @param readings the probe readings the run kept (its newest {@value Run#MAX_READINGS}), oldest
 *     first
 * @param probes one summary per probe that has readings, by name
 * @param generatedAt when this report was made
 */
record RunReport(
    String tenantId,
    String runId,
    String experimentId,
    String experimentName,
    String faultType,
    String hypothesis,
    RunStatus status,
    Verdict verdict,
    String verdictReason,
    String stopReason,
    String requestedBy,
    String scheduleId,
    Instant startedAt,
    Instant endedAt,
    List<ReportTrace> traces,
    List<ReportWave> waves,
    List<ReportFault> faults,
    List<ReportEvent> timeline,
    List<RunReading> readings,
    List<ProbeSummary> probes,
    Instant generatedAt) {
  RunReport {
    traces = List.copyOf(traces);
    waves = List.copyOf(waves);
    faults = List.copyOf(faults);
    timeline = List.copyOf(timeline);
    readings = List.copyOf(readings);
    probes = List.copyOf(probes);
  }
}
