package io.faultline.executor.probe;

import io.faultline.events.access.KafkaAccess;
import java.util.Objects;

/**
 * {@code faultline.executor.probes.*}.
 *
 * @param enabled whether this executor evaluates run watches (on by default)
 * @param groupId the consumer group of {@code faultline.run-watches.v1} every executor shares
 */
public record WatchSettings(boolean enabled, String groupId) {
  public WatchSettings {
    Objects.requireNonNull(groupId, "groupId");
  }

  public static WatchSettings defaults() {
    return new WatchSettings(true, KafkaAccess.Names.DEFAULT_PROBES_GROUP_ID);
  }

  public static WatchSettings disabled() {
    return new WatchSettings(false, KafkaAccess.Names.DEFAULT_PROBES_GROUP_ID);
  }

  public WatchSettings withGroupId(String value) {
    return new WatchSettings(enabled, value);
  }
}
