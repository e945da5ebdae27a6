/**
 * The {@code cloudwatch-metric} probe: GetMetricData of one metric statistic in the tenant's
 * account and region, through the tenant's assumed-role session; the latest datapoint compared with
 * the threshold (the healthy condition). No datapoint is a failing reading.
 */
package io.faultline.executor.probe.cloudwatchmetric;
