package io.faultline.executor.probe.cloudwatchalarm;

import io.faultline.events.probe.CloudWatchAlarmSettings;
import io.faultline.events.probe.ProbeDefinition;
import io.faultline.events.probe.ProbeReading;
import io.faultline.events.probe.ProbeType;
import io.faultline.executor.fault.TransportException;
import io.faultline.executor.probe.CloudWatchConnector;
import io.faultline.executor.probe.Probe;
import io.faultline.executor.probe.ProbeAccounts;
import io.faultline.executor.probe.ProbeContext;
import java.util.Optional;

/** Reads a CloudWatch alarm's state in the tenant's account. */
public final class CloudWatchAlarmProbe implements Probe {
  /** The one state that passes. */
  static final String OK = "OK";

  private final CloudWatchConnector cloudWatch;
  private final ProbeAccounts accounts;

  /**
   * @param cloudWatch null where this executor has no CloudWatch (every reading then fails)
   */
  public CloudWatchAlarmProbe(CloudWatchConnector cloudWatch, ProbeAccounts accounts) {
    this.cloudWatch = cloudWatch;
    this.accounts = accounts;
  }

  @Override
  public ProbeType type() {
    return ProbeType.CLOUDWATCH_ALARM;
  }

  @Override
  public ProbeReading read(ProbeDefinition definition, ProbeContext context) {
    CloudWatchAlarmSettings alarm = definition.settingsAs(CloudWatchAlarmSettings.class);
    if (cloudWatch == null) {
      return ProbeReading.unreadable("this executor's transport has no CloudWatch");
    }
    long started = System.nanoTime();
    Optional<String> state;
    try {
      state =
          cloudWatch
              .cloudWatch(accounts.request(context, alarm.accountId(), alarm.region()))
              .alarmState(alarm.alarmName());
    } catch (TransportException e) {
      return ProbeReading.unreadable(e.getMessage());
    }
    long latencyMs = (System.nanoTime() - started) / 1_000_000;
    return state
        .map(s -> new ProbeReading(OK.equals(s), null, s, null, latencyMs, null))
        .orElseGet(
            () ->
                new ProbeReading(
                    false,
                    null,
                    null,
                    null,
                    latencyMs,
                    "no alarm named '"
                        + alarm.alarmName()
                        + "' in "
                        + alarm.accountId()
                        + "/"
                        + alarm.region()));
  }
}
