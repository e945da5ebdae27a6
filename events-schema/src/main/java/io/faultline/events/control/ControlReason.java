package io.faultline.events.control;

/**
 * Why a control was issued, when its writer says (absent on older controls: read as {@link
 * #OPERATOR}). The free-text {@code reason} stays for people.
 */
public enum ControlReason {
  /** A person or a platform asked for it (scheduler API, an executor's HTTP halt). */
  OPERATOR,
  /**
   * A run's stop condition breached (ADR 0010): an {@code ABORT_RUN} carrying the {@link
   * StopConditionBreach}.
   */
  STOP_CONDITION
}
