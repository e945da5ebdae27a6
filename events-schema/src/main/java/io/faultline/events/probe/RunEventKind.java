package io.faultline.events.probe;

/** What a run event reports. The executors write all but {@link #VERDICT}. */
public enum RunEventKind {
  /** One probe's reading, one per probe per interval while a run is watched. */
  PROBE_READING,
  STEADY_STATE_HELD,
  STEADY_STATE_FAILED,
  /** A stop condition failed beyond its tolerance; {@code ABORT_RUN STOP_CONDITION} was sent. */
  STOP_CONDITION_BREACHED,
  BAKE_HELD,
  BAKE_FAILED,
  FINAL_STEADY_STATE_HELD,
  FINAL_STEADY_STATE_FAILED,
  /** The run's verdict (scheduler-service). */
  VERDICT
}
