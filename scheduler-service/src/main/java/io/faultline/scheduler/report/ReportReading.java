package io.faultline.scheduler.report;

import java.time.Instant;

/**
 * One probe reading of the run, as the report shows it (a bounded value, never a response body).
 *
 * @param value a number (a metric, a PromQL sample), null when the probe reads none
 * @param state a state such as a CloudWatch alarm's ({@code OK}, {@code ALARM})
 * @param status an HTTP status code
 * @param phase the watch phase the reading was taken in ({@code STEADY_STATE}, {@code RUNNING}, …)
 * @param wave the wave running when it was taken, null before the first
 */
record ReportReading(
    String probe,
    Instant at,
    boolean ok,
    Double value,
    String state,
    Integer status,
    Long latencyMs,
    String error,
    String phase,
    Integer wave) {}
