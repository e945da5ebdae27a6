package io.faultline.scheduler.report;

import java.time.Instant;

/** One lifecycle event of a fault of the run, in the order the scheduler read them. */
record ReportEvent(
    Instant at,
    String faultId,
    int wave,
    String stage,
    String producer,
    String reason,
    String detail,
    String traceId) {}
