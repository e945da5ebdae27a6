package io.faultline.executor.aws;

import io.faultline.events.probe.CloudWatchMetricSettings;
import io.faultline.executor.fault.AccountRequest;
import io.faultline.executor.fault.TransportException;
import io.faultline.executor.probe.CloudWatchReader;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Supplier;
import software.amazon.awssdk.services.cloudwatch.model.AlarmType;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsResponse;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.Metric;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.MetricStat;
import software.amazon.awssdk.services.cloudwatch.model.ScanBy;

/** CloudWatch of one assumed-role session, for run watches' probes. */
final class AwsCloudWatchReader implements CloudWatchReader {
  /** How many periods back a metric probe looks for its latest datapoint. */
  static final int LOOKBACK_PERIODS = 3;

  private final AccountRequest request;
  private final AwsAccountConnector.Clients clients;
  private final Resilience resilience;

  AwsCloudWatchReader(
      AccountRequest request, AwsAccountConnector.Clients clients, Resilience resilience) {
    this.request = request;
    this.clients = clients;
    this.resilience = resilience;
  }

  @Override
  public Optional<String> alarmState(String alarmName) {
    DescribeAlarmsResponse response =
        cloudwatch(
            "DescribeAlarms",
            () ->
                clients.cloudWatch.describeAlarms(
                    b ->
                        b.alarmNames(alarmName)
                            .alarmTypes(AlarmType.METRIC_ALARM, AlarmType.COMPOSITE_ALARM)));
    return response.metricAlarms().stream()
        .filter(a -> alarmName.equals(a.alarmName()))
        .map(a -> a.stateValueAsString())
        .findFirst()
        .or(
            () ->
                response.compositeAlarms().stream()
                    .filter(a -> alarmName.equals(a.alarmName()))
                    .map(a -> a.stateValueAsString())
                    .findFirst());
  }

  @Override
  public OptionalDouble latestDatapoint(CloudWatchMetricSettings metric, Instant now) {
    Duration period = Duration.ofSeconds(metric.periodSeconds());
    List<Dimension> dimensions =
        metric.dimensions().entrySet().stream()
            .map(e -> Dimension.builder().name(e.getKey()).value(e.getValue()).build())
            .toList();
    MetricDataQuery query =
        MetricDataQuery.builder()
            .id("probe")
            .returnData(true)
            .metricStat(
                MetricStat.builder()
                    .metric(
                        Metric.builder()
                            .namespace(metric.namespace())
                            .metricName(metric.metricName())
                            .dimensions(dimensions)
                            .build())
                    .period(metric.periodSeconds())
                    .stat(metric.statistic().awsName())
                    .build())
            .build();
    GetMetricDataResponse response =
        cloudwatch(
            "GetMetricData",
            () ->
                clients.cloudWatch.getMetricData(
                    b ->
                        b.metricDataQueries(query)
                            .startTime(now.minus(period.multipliedBy(LOOKBACK_PERIODS)))
                            .endTime(now)
                            .scanBy(ScanBy.TIMESTAMP_DESCENDING)));
    return response.metricDataResults().stream()
        .filter(MetricDataResult::hasValues)
        .flatMap(r -> r.values().stream().limit(1))
        .mapToDouble(Double::doubleValue)
        .findFirst();
  }

  private <T> T cloudwatch(String operation, Supplier<T> call) {
    String name = "cloudwatch:" + operation;
    try {
      return resilience.call(
          name,
          request.tenantId().value(),
          request.accountId().value(),
          request.region().value(),
          false,
          call);
    } catch (TransportException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new TransportException(
          name
              + " failed in "
              + request.accountId()
              + "/"
              + request.region()
              + ": "
              + AwsErrors.describe(e),
          e);
    }
  }
}
