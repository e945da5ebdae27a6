package io.faultline.executor.intake;

import io.faultline.executor.lifecycle.FaultLedger;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The approvals consumer's offsets: per partition, the approvals read and whether each is done (its
 * fault journaled, or refused), and the commit of the offset after the last approval whose
 * predecessors are all done, in the ledger's transactions with the consumer's group metadata (a
 * consumer whose generation is over cannot commit, ADR 0007 §5). Used from the consumer's thread
 * only.
 */
final class ApprovalOffsets {
  private static final Logger log = LoggerFactory.getLogger(ApprovalOffsets.class);

  /**
   * The least time between two offset commits while approvals are read. Each is a transaction of
   * the ledger's one writer thread, which the faults' own writes queue behind: committed after
   * every poll they were 50-86 of a P2 round's 330-400 ledger transactions at 10-50 approvals/s,
   * 36-38 with this bound. Committing later only means a restarted executor reads a few more
   * approvals again, which the journal index recognises.
   */
  static final Duration COMMIT_INTERVAL = Duration.ofMillis(100);

  private final FaultLedger ledger;
  private final Supplier<ConsumerGroupMetadata> group;
  private final Map<TopicPartition, TreeMap<Long, CompletableFuture<Void>>> pending =
      new HashMap<>();
  // The last commit queued while reading, and when: the next waits for both (commitReady).
  private CompletableFuture<Void> lastCommit = CompletableFuture.completedFuture(null);
  private long lastCommitQueuedAt = System.nanoTime() - COMMIT_INTERVAL.toNanos();

  /**
   * @param group the consumer's group metadata at the time of a commit
   */
  ApprovalOffsets(FaultLedger ledger, Supplier<ConsumerGroupMetadata> group) {
    this.ledger = ledger;
    this.group = group;
  }

  /** An approval read: its offset may be committed once {@code done} and its predecessors are. */
  void read(TopicPartition partition, long offset, CompletableFuture<Void> done) {
    pending.computeIfAbsent(partition, k -> new TreeMap<>()).put(offset, done);
  }

  /** Partitions that moved elsewhere: their approvals are no longer this consumer's to commit. */
  void forget(Collection<TopicPartition> partitions) {
    partitions.forEach(pending::remove);
  }

  /**
   * Commits, per partition, the offset after the last approval whose predecessors are all done.
   * While reading ({@code sync} false) at most one such commit is queued at a time, at least {@link
   * #COMMIT_INTERVAL} apart; a sync commit (a revocation, the end) always goes, and is waited for.
   */
  void commitReady(boolean sync) {
    if (!sync
        && (!lastCommit.isDone()
            || System.nanoTime() - lastCommitQueuedAt < COMMIT_INTERVAL.toNanos())) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    pending.forEach(
        (tp, futures) -> {
          Long last = null;
          while (!futures.isEmpty()) {
            var first = futures.firstEntry();
            if (!first.getValue().isDone() || first.getValue().isCompletedExceptionally()) {
              break;
            }
            last = first.getKey();
            futures.pollFirstEntry();
          }
          if (last != null) {
            offsets.put(tp, new OffsetAndMetadata(last + 1));
          }
        });
    if (offsets.isEmpty()) {
      return;
    }
    CompletableFuture<Void> committed = ledger.commitOffsets(offsets, group.get());
    lastCommit = committed;
    lastCommitQueuedAt = System.nanoTime();
    if (sync) {
      try {
        committed.get(10, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        log.warn("offset commit failed (the approvals are read again and recognised)", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } else {
      committed.whenComplete(
          (ok, error) -> {
            if (error != null) {
              log.warn("offset commit failed (will be retried by the next one)", error);
            }
          });
    }
  }
}
