package io.faultline.events.probe;

/** What the executors do with a run's watch (ADR 0010); the scheduler moves it along. */
public enum WatchPhase {
  /**
   * Read the steady-state probes until each passes or fails beyond its tolerance, then publish
   * {@code STEADY_STATE_HELD} or {@code STEADY_STATE_FAILED}.
   */
  STEADY_STATE,
  /** Evaluate the stop conditions continuously; a breach aborts the run. */
  RUNNING,
  /**
   * Stop conditions and steady-state probes continuously until {@code bakeUntil}, then publish
   * {@code BAKE_HELD} or {@code BAKE_FAILED}.
   */
  BAKING,
  /**
   * The steady-state probes once more, then {@code FINAL_STEADY_STATE_HELD} or {@code
   * FINAL_STEADY_STATE_FAILED}.
   */
  FINAL_CHECK
}
