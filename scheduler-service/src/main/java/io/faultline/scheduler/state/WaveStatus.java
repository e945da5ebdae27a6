package io.faultline.scheduler.state;

/** Where one wave of a run is. */
public enum WaveStatus {
  PENDING,
  RUNNING,
  COMPLETED,
  FAILED,
  /** Never started because an earlier wave failed or the run was aborted. */
  CANCELLED
}
