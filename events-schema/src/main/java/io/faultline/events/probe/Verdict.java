package io.faultline.events.probe;

/** A run's verdict on its hypothesis (ADR 0010), decided by the scheduler. */
public enum Verdict {
  /** The final steady state held and no stop condition breached. */
  HYPOTHESIS_HELD,
  /** A stop condition breached (the run ended ABORTED) or the final steady state failed. */
  HYPOTHESIS_REFUTED,
  /**
   * Operator abort, halt, a fault that failed for its own reasons, or a probe that could not be
   * read for its tolerance.
   */
  INCONCLUSIVE
}
