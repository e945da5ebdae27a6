package io.faultline.executor.probe.egress;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code faultline.executor.probes.allowed-hosts}: where HTTP and PromQL probes may go. Checked at
 * start: an entry that is not a host name, {@code *.domain}, IP address or CIDR network stops the
 * service naming the entry's index and the rule.
 *
 * @param allowedHosts host names ({@code prometheus.internal}), name suffixes ({@code
 *     *.svc.cluster.local}), IP addresses ({@code 10.0.4.12}) and CIDR networks ({@code
 *     10.0.0.0/16}) HTTP and PromQL probes may call; empty (the default): none, so no such probe
 *     runs until an operator allows one. Loopback, link-local, instance metadata, unspecified,
 *     multicast and this host's own addresses are refused whatever the list says
 */
@ConfigurationProperties("faultline.executor.probes")
public record EgressSettings(List<String> allowedHosts) {
  public EgressSettings {
    allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
    AllowList.parse(allowedHosts);
  }

  AllowList allowList() {
    return AllowList.parse(allowedHosts);
  }
}
