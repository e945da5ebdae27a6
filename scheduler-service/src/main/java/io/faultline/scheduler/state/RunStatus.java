package io.faultline.scheduler.state;

/** Where a run is. Only RUNNING changes; the others are final. */
public enum RunStatus {
  RUNNING,
  COMPLETED,
  /** A fault of a wave failed or was rejected: later waves never started. */
  FAILED,
  /**
   * An operator aborted the run, one of its faults was aborted (or halted), or one of its stop
   * conditions breached.
   */
  ABORTED,
  /**
   * Refused before any fault was requested: its steady state did not hold ({@code NOT_STEADY}) or a
   * probe names an account the tenant no longer has.
   */
  REFUSED
}
