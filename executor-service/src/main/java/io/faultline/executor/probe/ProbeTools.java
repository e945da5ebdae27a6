package io.faultline.executor.probe;

import io.faultline.executor.probe.egress.EgressClient;
import io.faultline.executor.probe.egress.EgressSettings;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * What the probe types are built from (one field per shared dependency; a new probe type adds the
 * one it needs).
 *
 * @param cloudWatch CloudWatch in tenant accounts; null where the transport has none (the local
 *     transport acts on this host), so CloudWatch probes read as failing there
 * @param accounts the tenants' registered accounts and roles
 * @param egress the one way HTTP and PromQL probes reach the network (allow-list, refused
 *     addresses, timeouts, size)
 */
public record ProbeTools(
    CloudWatchConnector cloudWatch, ProbeAccounts accounts, Clock clock, EgressClient egress) {
  public ProbeTools {
    Objects.requireNonNull(accounts, "accounts");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(egress, "egress");
  }

  /** Tools whose egress allows no host (HTTP and PromQL probes read as failing). */
  public ProbeTools(CloudWatchConnector cloudWatch, ProbeAccounts accounts, Clock clock) {
    this(cloudWatch, accounts, clock, EgressClient.of(new EgressSettings(List.of())));
  }
}
