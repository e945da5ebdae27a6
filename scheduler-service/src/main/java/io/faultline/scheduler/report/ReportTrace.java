package io.faultline.scheduler.report;

import java.util.List;

/**
 * A trace id to look up in a trace viewer.
 *
 * @param runRequest whether it is the trace of the request that started the run (its traceparent)
 * @param faultIds the faults whose lifecycle events carried it
 */
record ReportTrace(String traceId, boolean runRequest, List<String> faultIds) {}
