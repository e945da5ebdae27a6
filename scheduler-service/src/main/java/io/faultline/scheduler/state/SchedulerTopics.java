package io.faultline.scheduler.state;

import io.faultline.events.topics.Topics;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Scheduler-internal topics (not in the contract's catalogue because nobody else reads them).
 *
 * <p>{@code faultline.scheduler-commands.v1}: every change to scheduler state, keyed by tenant id,
 * with as many partitions as the lifecycle topic so that one Streams task owns a tenant's commands,
 * lifecycle events and state (co-partitioning). Deleted after 7 days: the state itself lives in the
 * compacted changelogs of the engine's stores.
 */
public final class SchedulerTopics {
  private SchedulerTopics() {}

  public static final String COMMANDS = "faultline.scheduler-commands.v1";

  public static NewTopic commands(short replication) {
    return new NewTopic(COMMANDS, Topics.FAULT_LIFECYCLE.partitions(), replication)
        .configs(
            Map.of("cleanup.policy", "delete", "retention.ms", Long.toString(7L * 24 * 3600_000)));
  }
}
