package io.faultline.executor.probe;

import io.faultline.events.probe.CloudWatchMetricSettings;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * CloudWatch in one tenant account and region, as probes read it (implemented in {@code aws/},
 * through the tenant's assumed-role session). Calls are retried and rate-limited like a fault's.
 *
 * @throws io.faultline.executor.fault.TransportException from every method when CloudWatch cannot
 *     be read
 */
public interface CloudWatchReader {
  /**
   * The alarm's state value ({@code OK}, {@code ALARM}, {@code INSUFFICIENT_DATA}) by
   * DescribeAlarms; empty when the account has no alarm of that name.
   */
  Optional<String> alarmState(String alarmName);

  /**
   * The latest datapoint of the metric's statistic (GetMetricData, one period of {@code
   * periodSeconds}) in the three periods before {@code now}; empty when there is none.
   */
  OptionalDouble latestDatapoint(CloudWatchMetricSettings metric, Instant now);
}
