/**
 * Who drives a running fault (ADR 0007 §5): the executor whose heartbeat names it, not the owner of
 * its approvals partition. {@link io.faultline.executor.ownership.OwnershipWatch} reads every
 * executor's heartbeats, takes over the faults of its partitions that no heartbeat names any more,
 * and stops local faults another executor has claimed under a higher epoch; {@link
 * io.faultline.executor.run.OwnDeadline} stops this executor acting once its own heartbeats have
 * not been appended for longer than others wait before taking over.
 */
package io.faultline.executor.ownership;
