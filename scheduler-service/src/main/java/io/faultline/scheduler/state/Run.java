package io.faultline.scheduler.state;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.faultline.events.probe.RunWatch;
import io.faultline.events.probe.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One run of an experiment, materialized from the lifecycle topic: its waves, its faults with their
 * latest stage, and every lifecycle event in the order the engine read them (per tenant, the
 * lifecycle topic's order).
 *
 * @param scheduleId the schedule that fired it, or null for "run now"
 * @param fireTime the schedule's fire time the run id derives from, or null
 * @param traceparent the trace context of the request that started it (run now), carried by every
 *     fault request of the run; null for scheduled runs
 * @param verdict the verdict on the experiment's hypothesis; null until the run ends (and on runs
 *     that ended before verdicts existed)
 * @param verdictReason why that verdict, in a short sentence; null until the run ends
 * @param readings the run's probe readings in the order the engine read them, at most {@value
 *     #MAX_READINGS} (the newest)
 * @param watch what the executors are asked to watch right now (the record last written to {@code
 *     faultline.run-watches.v1}); null for a run without probes and once the run has ended
 */
public record Run(
    String tenantId,
    String runId,
    String experimentId,
    String experimentName,
    String faultType,
    String scheduleId,
    Instant fireTime,
    String requestedBy,
    RunStatus status,
    int currentWave,
    List<RunWave> waves,
    List<RunFault> faults,
    List<TimelineEntry> timeline,
    String stopReason,
    Instant startedAt,
    Instant endedAt,
    String commandId,
    String traceparent,
    Verdict verdict,
    String verdictReason,
    List<RunReading> readings,
    RunWatch watch,
    String hypothesis) {
  /** A run keeps its newest readings up to this many (its record stays far below Kafka's limit). */
  public static final int MAX_READINGS = 500;

  @JsonCreator
  public Run {
    waves = waves == null ? List.of() : List.copyOf(waves);
    faults = faults == null ? List.of() : List.copyOf(faults);
    timeline = timeline == null ? List.of() : List.copyOf(timeline);
    readings = readings == null ? List.of() : List.copyOf(readings);
    if (readings.size() > MAX_READINGS) {
      readings = readings.subList(readings.size() - MAX_READINGS, readings.size());
    }
  }

  /** A run without verdict, readings or watch (as runs were before probes). */
  public Run(
      String tenantId,
      String runId,
      String experimentId,
      String experimentName,
      String faultType,
      String scheduleId,
      Instant fireTime,
      String requestedBy,
      RunStatus status,
      int currentWave,
      List<RunWave> waves,
      List<RunFault> faults,
      List<TimelineEntry> timeline,
      String stopReason,
      Instant startedAt,
      Instant endedAt,
      String commandId,
      String traceparent) {
    this(
        tenantId,
        runId,
        experimentId,
        experimentName,
        faultType,
        scheduleId,
        fireTime,
        requestedBy,
        status,
        currentWave,
        waves,
        faults,
        timeline,
        stopReason,
        startedAt,
        endedAt,
        commandId,
        traceparent,
        null,
        null,
        List.of(),
        null,
        null);
  }

  public String key() {
    return Keys.of(tenantId, runId);
  }

  public Run with(
      RunStatus newStatus,
      int newCurrentWave,
      List<RunWave> newWaves,
      List<RunFault> newFaults,
      List<TimelineEntry> newTimeline,
      String newStopReason,
      Instant newEndedAt) {
    return new Run(
        tenantId,
        runId,
        experimentId,
        experimentName,
        faultType,
        scheduleId,
        fireTime,
        requestedBy,
        newStatus,
        newCurrentWave,
        newWaves,
        newFaults,
        newTimeline,
        newStopReason,
        startedAt,
        newEndedAt,
        commandId,
        traceparent,
        verdict,
        verdictReason,
        readings,
        watch,
        hypothesis);
  }

  /**
   * The run with the hypothesis it tests: its experiment's when it started, kept for its report.
   */
  public Run withHypothesis(String newHypothesis) {
    return new Run(
        tenantId,
        runId,
        experimentId,
        experimentName,
        faultType,
        scheduleId,
        fireTime,
        requestedBy,
        status,
        currentWave,
        waves,
        faults,
        timeline,
        stopReason,
        startedAt,
        endedAt,
        commandId,
        traceparent,
        verdict,
        verdictReason,
        readings,
        watch,
        newHypothesis);
  }

  /** The run with its verdict and the reason for it. */
  public Run withVerdict(Verdict newVerdict, String newVerdictReason) {
    return withProbeState(newVerdict, newVerdictReason, readings, watch);
  }

  /** The run with one more reading; the oldest goes beyond {@value #MAX_READINGS}. */
  public Run withReading(RunReading reading) {
    List<RunReading> more = new ArrayList<>(readings);
    more.add(reading);
    return withProbeState(verdict, verdictReason, more, watch);
  }

  /** The run with the watch now written for it (null: none any more). */
  public Run withWatch(RunWatch newWatch) {
    return withProbeState(verdict, verdictReason, readings, newWatch);
  }

  /** The run with its probe state (verdict, readings, watch) replaced, all else kept. */
  private Run withProbeState(
      Verdict newVerdict,
      String newVerdictReason,
      List<RunReading> newReadings,
      RunWatch newWatch) {
    return new Run(
        tenantId,
        runId,
        experimentId,
        experimentName,
        faultType,
        scheduleId,
        fireTime,
        requestedBy,
        status,
        currentWave,
        waves,
        faults,
        timeline,
        stopReason,
        startedAt,
        endedAt,
        commandId,
        traceparent,
        newVerdict,
        newVerdictReason,
        newReadings,
        newWatch,
        hypothesis);
  }

  /** The run without its timeline and readings, for lists. */
  public Run summary() {
    return with(status, currentWave, waves, faults, List.of(), stopReason, endedAt)
        .withProbeState(verdict, verdictReason, List.of(), watch);
  }
}
