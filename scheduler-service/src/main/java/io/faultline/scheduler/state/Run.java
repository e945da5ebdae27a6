package io.faultline.scheduler.state;

import java.time.Instant;
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
    String traceparent) {
  public Run {
    waves = waves == null ? List.of() : List.copyOf(waves);
    faults = faults == null ? List.of() : List.copyOf(faults);
    timeline = timeline == null ? List.of() : List.copyOf(timeline);
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
        traceparent);
  }

  /** The run without its timeline, for lists. */
  public Run summary() {
    return with(status, currentWave, waves, faults, List.of(), stopReason, endedAt);
  }
}
