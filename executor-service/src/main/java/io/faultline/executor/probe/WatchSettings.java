package io.faultline.executor.probe;

import io.faultline.events.access.KafkaAccess;
import io.faultline.executor.probe.egress.EgressSettings;
import java.util.List;
import java.util.Objects;

/**
 * {@code faultline.executor.probes.*}.
 *
 * @param enabled whether this executor evaluates run watches (on by default)
 * @param groupId the consumer group of {@code faultline.run-watches.v1} every executor shares
 * @param egress where HTTP and PromQL probes may go ({@code
 *     faultline.executor.probes.allowed-hosts})
 */
public record WatchSettings(boolean enabled, String groupId, EgressSettings egress) {
  public WatchSettings {
    Objects.requireNonNull(groupId, "groupId");
    Objects.requireNonNull(egress, "egress");
  }

  /** No HTTP or PromQL probe allowed anywhere (the default of {@code allowed-hosts}). */
  public WatchSettings(boolean enabled, String groupId) {
    this(enabled, groupId, new EgressSettings(List.of()));
  }

  public static WatchSettings defaults() {
    return new WatchSettings(true, KafkaAccess.Names.DEFAULT_PROBES_GROUP_ID);
  }

  public static WatchSettings disabled() {
    return new WatchSettings(false, KafkaAccess.Names.DEFAULT_PROBES_GROUP_ID);
  }

  public WatchSettings withGroupId(String value) {
    return new WatchSettings(enabled, value, egress);
  }

  public WatchSettings withEgress(EgressSettings value) {
    return new WatchSettings(enabled, groupId, value);
  }
}
