package io.faultline.scheduler.report;

import java.time.Instant;

/**
 * The readings of one probe in the run, counted.
 *
 * @param failing readings that were not ok
 * @param minValue the smallest numeric value read, null when the probe reads none
 * @param maxValue the largest, likewise
 */
record ProbeSummary(
    String probe,
    int readings,
    int failing,
    Instant firstAt,
    Instant lastAt,
    boolean lastOk,
    Double minValue,
    Double maxValue) {}
