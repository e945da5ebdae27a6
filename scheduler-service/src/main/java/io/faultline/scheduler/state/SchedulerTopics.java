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
 * compacted changelogs of the engine's stores. Two scheduler deployments (application ids) on one
 * cluster need two commands topics ({@code faultline.scheduler.commands-topic}), otherwise each
 * would apply the other's commands.
 */
public final class SchedulerTopics {
  private SchedulerTopics() {}

  public static final String COMMANDS = "faultline.scheduler-commands.v1";

  /** The commands topic's definition; {@code name} is configurable (one per deployment). */
  public static NewTopic commands(String name, short replication) {
    return new NewTopic(name, Topics.FAULT_LIFECYCLE.partitions(), replication)
        .configs(
            Map.of(
                "cleanup.policy",
                "delete",
                "retention.ms",
                Long.toString(7L * 24 * 3600_000),
                // The broker's batch limit, as the catalogue's SCHEDULER_COMMANDS states it: a
                // command over the event limit reaches the engine, which counts and skips it.
                "max.message.bytes",
                Integer.toString(Topics.SCHEDULER_COMMANDS.maxBatchBytes())));
  }
}
