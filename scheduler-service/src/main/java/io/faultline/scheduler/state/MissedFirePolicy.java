package io.faultline.scheduler.state;

/**
 * What a schedule does with fire times that passed while no scheduler instance was running (or
 * while the schedule's partition was being moved), i.e. fires later than the misfire threshold.
 */
public enum MissedFirePolicy {
  /** Fire once for the most recent missed fire time, then continue with the next one. */
  FIRE_ONCE,
  /** Drop every missed fire time; continue with the next one in the future. */
  SKIP
}
