package io.faultline.scheduler.report;

import io.faultline.events.lifecycle.TargetSummary;
import java.time.Instant;
import java.util.List;

/**
 * One fault of the run and how it ended.
 *
 * @param outcome its latest lifecycle stage ({@code PLANNED} before its wave, {@code REQUESTED}
 *     until the first lifecycle event)
 * @param targets the target ids its latest event with targets listed (a sample, ADR 0009)
 * @param targetSummary the counts behind that sample, null when no event had targets
 * @param injectedAt when it was injected, null if it never was
 * @param endedAt when it reached a terminal stage, null while it has not
 * @param traceId the trace of its lifecycle events, null when they carried none
 */
record ReportFault(
    String faultId,
    int wave,
    String waveName,
    String accountId,
    String region,
    String outcome,
    String reason,
    String detail,
    List<String> targets,
    TargetSummary targetSummary,
    Instant injectedAt,
    Instant endedAt,
    String traceId) {}
