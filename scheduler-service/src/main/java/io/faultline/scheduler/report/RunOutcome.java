package io.faultline.scheduler.report;

import java.util.List;

/**
 * What the probes said about a run: its verdict (null until the run ends, and for runs that ended
 * before verdicts existed), the verdict's reason and the readings the run kept.
 */
record RunOutcome(String verdict, String verdictReason, List<ReportReading> readings) {
  static final RunOutcome NONE = new RunOutcome(null, null, List.of());

  RunOutcome {
    readings = readings == null ? List.of() : List.copyOf(readings);
  }
}
