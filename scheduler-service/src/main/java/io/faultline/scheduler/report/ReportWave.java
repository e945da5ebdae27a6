package io.faultline.scheduler.report;

import io.faultline.scheduler.state.WaveStatus;
import java.time.Instant;

/** One wave of the run: where it got to and when. */
record ReportWave(
    int index,
    String name,
    boolean dryRun,
    WaveStatus status,
    Instant startedAt,
    Instant endedAt) {}
