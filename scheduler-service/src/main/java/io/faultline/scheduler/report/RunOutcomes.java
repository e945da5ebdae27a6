package io.faultline.scheduler.report;

import io.faultline.scheduler.state.Run;

/** Reads a run's verdict and probe readings into the report's terms. */
final class RunOutcomes {
  private RunOutcomes() {}

  static RunOutcome of(Run run) {
    // The run state carries no verdict or readings yet (issue 15's scheduler side adds them).
    return RunOutcome.NONE;
  }
}
