/**
 * The {@code cloudwatch-alarm} probe: DescribeAlarms for one alarm in the tenant's account, through
 * the tenant's assumed role. {@code OK} passes; {@code ALARM} and {@code INSUFFICIENT_DATA} fail
 * with the state shown; a missing or unreadable alarm fails with the error (fail safe).
 */
package io.faultline.executor.probe.cloudwatchalarm;
