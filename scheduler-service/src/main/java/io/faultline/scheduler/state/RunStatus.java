package io.faultline.scheduler.state;

/** Where a run is. Only RUNNING changes; the others are final. */
public enum RunStatus {
  RUNNING,
  COMPLETED,
  /** A fault of a wave failed or was rejected: later waves never started. */
  FAILED,
  /** An operator aborted the run, or one of its faults was aborted. */
  ABORTED
}
