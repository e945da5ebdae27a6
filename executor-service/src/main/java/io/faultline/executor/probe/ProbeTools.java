package io.faultline.executor.probe;

import java.time.Clock;
import java.util.Objects;

/**
 * What the probe types are built from (one field per shared dependency; a new probe type adds the
 * one it needs).
 *
 * @param cloudWatch CloudWatch in tenant accounts; null where the transport has none (the local
 *     transport acts on this host), so CloudWatch probes read as failing there
 * @param accounts the tenants' registered accounts and roles
 */
public record ProbeTools(CloudWatchConnector cloudWatch, ProbeAccounts accounts, Clock clock) {
  public ProbeTools {
    Objects.requireNonNull(accounts, "accounts");
    Objects.requireNonNull(clock, "clock");
  }
}
