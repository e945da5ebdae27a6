package io.faultline.executor.probe.cloudwatchmetric;

import io.faultline.events.probe.CloudWatchMetricSettings;
import io.faultline.events.probe.ProbeDefinition;
import io.faultline.events.probe.ProbeReading;
import io.faultline.events.probe.ProbeType;
import io.faultline.executor.fault.TransportException;
import io.faultline.executor.probe.CloudWatchConnector;
import io.faultline.executor.probe.Probe;
import io.faultline.executor.probe.ProbeAccounts;
import io.faultline.executor.probe.ProbeContext;
import java.time.Clock;
import java.util.OptionalDouble;

/** Reads a CloudWatch metric's latest datapoint in the tenant's account. */
public final class CloudWatchMetricProbe implements Probe {
  private final CloudWatchConnector cloudWatch;
  private final ProbeAccounts accounts;
  private final Clock clock;

  /**
   * @param cloudWatch null where this executor has no CloudWatch (every reading then fails)
   */
  public CloudWatchMetricProbe(
      CloudWatchConnector cloudWatch, ProbeAccounts accounts, Clock clock) {
    this.cloudWatch = cloudWatch;
    this.accounts = accounts;
    this.clock = clock;
  }

  @Override
  public ProbeType type() {
    return ProbeType.CLOUDWATCH_METRIC;
  }

  @Override
  public ProbeReading read(ProbeDefinition definition, ProbeContext context) {
    CloudWatchMetricSettings metric = definition.settingsAs(CloudWatchMetricSettings.class);
    if (cloudWatch == null) {
      return ProbeReading.unreadable("this executor's transport has no CloudWatch");
    }
    long started = System.nanoTime();
    OptionalDouble latest;
    try {
      latest =
          cloudWatch
              .cloudWatch(accounts.request(context, metric.accountId(), metric.region()))
              .latestDatapoint(metric, clock.instant());
    } catch (TransportException e) {
      return ProbeReading.unreadable(e.getMessage());
    }
    long latencyMs = (System.nanoTime() - started) / 1_000_000;
    if (latest.isEmpty()) {
      return new ProbeReading(false, null, null, null, latencyMs, "no datapoint");
    }
    double value = latest.getAsDouble();
    boolean ok = metric.comparison().holds(value, metric.threshold());
    return new ProbeReading(
        ok,
        value,
        null,
        null,
        latencyMs,
        ok ? null : "healthy when value " + metric.comparison() + " " + metric.threshold());
  }
}
