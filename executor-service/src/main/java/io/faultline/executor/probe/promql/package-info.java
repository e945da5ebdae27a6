/**
 * The {@code promql} probe: an instant query ({@code GET <endpoint>/api/v1/query?query=…}) through
 * the egress rules; the first sample of the vector, or the scalar, compared with the threshold (the
 * healthy condition). No sample is a failing reading.
 */
package io.faultline.executor.probe.promql;
