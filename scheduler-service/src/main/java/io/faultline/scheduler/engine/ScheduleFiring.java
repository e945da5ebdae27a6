package io.faultline.scheduler.engine;

import io.faultline.scheduler.state.Schedule;
import java.time.Duration;
import java.time.Instant;

/**
 * Which schedules are due at a tick and what a due schedule does: fire on time, fire once for its
 * latest missed slot, or skip (its missed-fire policy, past the misfire threshold). Pure: the
 * caller passes the time, starts the run and stores the schedule this returns.
 */
final class ScheduleFiring {
  private ScheduleFiring() {}

  static boolean isDue(Schedule s, Instant now) {
    return s.enabled() && s.nextFireAt() != null && !s.nextFireAt().isAfter(now);
  }

  /**
   * What a due schedule does at {@code now}: the schedule already moved to its next fire time and,
   * unless the missed fire is skipped, the fire time of the run to start.
   */
  static Fire fire(Schedule s, Instant now, Duration misfireThreshold) {
    Schedule.Tick tick = s.tick(now, misfireThreshold);
    return new Fire(tick.schedule(), tick.fireTime().orElse(null));
  }

  /** Deterministic from (schedule, fire time): a duplicate fire yields the same fault ids. */
  static String runId(String scheduleId, Instant fireTime) {
    return "sch-" + scheduleId + "-" + fireTime.getEpochSecond();
  }

  /**
   * One fire of a schedule.
   *
   * @param schedule the schedule moved past this fire (counted, next fire time set)
   * @param fireTime the fire time of the run to start; null when a missed fire is skipped
   */
  record Fire(Schedule schedule, Instant fireTime) {
    boolean startsRun() {
      return fireTime != null;
    }

    String runId() {
      return ScheduleFiring.runId(schedule.scheduleId(), fireTime);
    }

    /** The schedule to store once its run started. */
    Schedule started() {
      return schedule.withRun(runId(), null);
    }

    /** The schedule to store when its experiment is gone: the error shows, the next fire stays. */
    Schedule experimentMissing() {
      return schedule.withRun(null, "experiment " + schedule.experimentId() + " does not exist");
    }

    /**
     * The schedule to store when its run could not start (e.g. tunables a newer catalogue refuses).
     */
    Schedule couldNotStart(RuntimeException e) {
      return schedule.withRun(null, "run " + runId() + " could not start: " + e.getMessage());
    }
  }
}
