package io.faultline.events.probe;

import java.util.Arrays;

/** The CloudWatch statistic a metric probe reads, named as CloudWatch names it. */
public enum MetricStatistic {
  AVERAGE("Average"),
  SUM("Sum"),
  MINIMUM("Minimum"),
  MAXIMUM("Maximum"),
  SAMPLE_COUNT("SampleCount");

  private final String awsName;

  MetricStatistic(String awsName) {
    this.awsName = awsName;
  }

  /** The name CloudWatch and the probe's JSON use, e.g. {@code SampleCount}. */
  public String awsName() {
    return awsName;
  }

  public static MetricStatistic ofAwsName(String name) {
    return Arrays.stream(values())
        .filter(s -> s.awsName.equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown statistic '" + name + "'"));
  }
}
