/**
 * Crash recovery: when this executor is assigned approvals partitions it reads the same partitions
 * of the (co-partitioned, compacted) execution journal, remembers every fault id it finds (so a
 * redelivered approval never runs twice) and drives each fault still in flight to rollback and its
 * terminal event.
 */
package io.faultline.executor.recovery;
