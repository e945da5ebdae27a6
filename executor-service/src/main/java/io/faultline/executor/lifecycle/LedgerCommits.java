package io.faultline.executor.lifecycle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger's transactions: one batch of writes per transaction through the transactional
 * producer. Ownership is asked again before each transaction; a transient failure (the broker away
 * or moving) is retried until the broker takes the batch, others up to {@link #ATTEMPTS} times; a
 * fenced or unauthorised producer fails every write and closes the ledger for good. A producer left
 * in an error state it cannot leave (it refuses even to abort: e.g. the coordinator answered
 * INVALID_TXN_STATE, or a sequence broke) is replaced by a new one under the same transactional id,
 * whose initialisation aborts whatever the old one left open, and the batch is written again; at
 * most {@link #RENEWALS} times in a row.
 */
final class LedgerCommits {
  private static final Logger log = LoggerFactory.getLogger(FaultLedger.class);

  private static final int ATTEMPTS = 3;
  static final int RENEWALS = 3;
  private static final Duration MAX_RETRY_PAUSE = Duration.ofSeconds(1);
  // commitBatch's answer when no write of the batch was still owned.
  private static final int NOTHING_OWNED = -1;

  private final Supplier<KafkaProducer<String, byte[]>> producers;
  private final LedgerMeters meters;
  private volatile KafkaProducer<String, byte[]> producer;
  private Duration maxBlock = Duration.ofSeconds(30);
  private int renewals;
  final List<Consumer<JournalEntry>> journalListeners = new CopyOnWriteArrayList<>();
  final List<Consumer<Exception>> failureListeners = new CopyOnWriteArrayList<>();
  volatile BooleanSupplier acting = () -> true;
  volatile boolean closed;
  volatile Exception failure;

  LedgerCommits(Supplier<KafkaProducer<String, byte[]>> producers, LedgerMeters meters) {
    this.producers = producers;
    this.meters = meters;
    this.producer = producers.get();
  }

  /** The producer in use (tests). */
  KafkaProducer<String, byte[]> producer() {
    return producer;
  }

  void closeProducer(Duration timeout) {
    producer.close(timeout);
  }

  /** Fences this id's earlier producers; retried while the coordinator is not ready (≤ 60 s). */
  void initTransactions(Duration maxBlock) {
    this.maxBlock = maxBlock;
    long attempts = Math.max(1, Duration.ofSeconds(60).dividedBy(maxBlock));
    for (long attempt = 1; ; attempt++) {
      try {
        producer.initTransactions();
        return;
      } catch (TimeoutException e) {
        if (attempt >= attempts) {
          producer.close(Duration.ZERO);
          throw e;
        }
      }
    }
  }

  /** The writes still owned; the others fail alone, never aborting the rest of the batch. */
  private List<LedgerWrite> owned(List<LedgerWrite> writes) {
    boolean mayAct = acting.getAsBoolean();
    List<LedgerWrite> owned = new ArrayList<>(writes.size());
    for (LedgerWrite write : writes) {
      if (mayAct && write.owned().getAsBoolean()) {
        owned.add(write);
      } else {
        write
            .done()
            .completeExceptionally(
                new FaultLedger.NotOwnedException(
                    mayAct
                        ? "fault released by this executor before its write was committed"
                        : "this executor's heartbeat deadline passed: it no longer writes"));
      }
    }
    return owned;
  }

  void commitOffsets(LedgerWrite write) {
    if (failure != null) {
      write.done().completeExceptionally(failure);
      return;
    }
    long began = System.nanoTime();
    try {
      producer.beginTransaction();
      producer.sendOffsetsToTransaction(write.offsets(), write.group());
      producer.commitTransaction();
      renewals = 0;
      meters.offsets(true, System.nanoTime() - began);
      write.done().complete(null);
    } catch (ProducerFencedException | AuthorizationException e) {
      meters.offsets(false, System.nanoTime() - began);
      fail(e, List.of(write));
    } catch (KafkaException | IllegalStateException e) {
      meters.offsets(false, System.nanoTime() - began);
      // A stale generation (the partitions moved) or a broker error: the approvals are delivered
      // again and the journal index recognises them. Nothing else fails.
      if (!abort()) {
        renew(e, List.of());
      }
      write.done().completeExceptionally(e);
    }
  }

  /**
   * Replaces a producer that refuses every transactional call with a new one under the same
   * transactional id. False, with the ledger failed and {@code batch} failed with it, when it may
   * not (the ledger is closing, {@link #RENEWALS} in a row already) or the new one cannot start.
   */
  private boolean renew(RuntimeException cause, List<LedgerWrite> batch) {
    if (closed || renewals >= RENEWALS || fenced(cause)) {
      fail(cause, batch);
      return false;
    }
    renewals++;
    log.warn(
        "ledger producer can no longer run transactions ({}); replacing it under the same"
            + " transactional id ({} of {} in a row)",
        cause.toString(),
        renewals,
        RENEWALS);
    try {
      producer.close(Duration.ZERO);
    } catch (RuntimeException e) {
      log.debug("closing the unusable ledger producer failed", e);
    }
    try {
      producer = producers.get();
      initTransactions(maxBlock);
      return true;
    } catch (KafkaException | IllegalStateException e) {
      fail(e, batch);
      return false;
    }
  }

  private void fail(Exception e, List<LedgerWrite> batch) {
    log.error("ledger producer can no longer write; failing {} writes", batch.size(), e);
    closed = true;
    if (failure == null) {
      failure = e;
      // Before the writers hear of it: their faults are released first, not ended in error.
      failureListeners.forEach(l -> l.accept(e));
    }
    batch.forEach(w -> w.done().completeExceptionally(e));
  }

  /** Commits the queued writes in one transaction (retried as the failure allows), timed. */
  void commit(List<LedgerWrite> queued) {
    if (failure != null) {
      queued.forEach(w -> w.done().completeExceptionally(failure));
      return;
    }
    long began = System.nanoTime();
    int committed = commitBatch(queued);
    if (committed != NOTHING_OWNED) {
      meters.writes(committed > 0, committed, System.nanoTime() - began);
    }
  }

  /**
   * @return the writes committed; 0 when the batch failed, {@link #NOTHING_OWNED} when it was empty
   *     once the writes no longer owned were taken out
   */
  private int commitBatch(List<LedgerWrite> queued) {
    List<LedgerWrite> batch = queued;
    boolean open = false;
    for (int attempt = 1; ; attempt++) {
      try {
        if (!open) {
          // Asked again before every transaction: a fault released while the broker was away
          // (handed over, or this executor's deadline passed) writes nothing more.
          batch = owned(batch);
          if (batch.isEmpty()) {
            return NOTHING_OWNED;
          }
          producer.beginTransaction();
          open = true;
          for (LedgerWrite write : batch) {
            for (ProducerRecord<String, byte[]> record : write.records()) {
              producer.send(record);
            }
          }
        }
        producer.commitTransaction();
        renewals = 0;
        if (attempt > 1) {
          log.info("ledger committed {} writes after {} attempts", batch.size(), attempt);
        }
        for (LedgerWrite write : batch) {
          if (write.entry() != null) {
            journalListeners.forEach(l -> l.accept(write.entry()));
          }
          write.done().complete(null);
        }
        return batch.size();
      } catch (ProducerFencedException | AuthorizationException e) {
        fail(e, batch);
        return 0;
      } catch (OutOfOrderSequenceException | IllegalStateException e) {
        // The producer's state is unknown (a broken sequence, or it refuses the next step, e.g. an
        // abort that never finished): nothing more is written through it.
        if (!renew(e, batch)) {
          return 0;
        }
        open = false;
      } catch (TimeoutException e) {
        // The broker did not answer within max.block: the commit is still pending and is retried
        // as it stands (the producer allows it), with the same records.
        if (!mayRetry(batch, attempt, e)) {
          return 0;
        }
      } catch (KafkaException e) {
        if (abort()) {
          open = false;
          if (!mayRetry(batch, attempt, e)) {
            return 0;
          }
        } else if (closed) {
          batch.forEach(w -> w.done().completeExceptionally(e));
          return 0;
        } else {
          // It refuses even to abort: the producer is in an error state it cannot leave.
          if (!renew(e, batch)) {
            return 0;
          }
          open = false;
        }
      }
    }
  }

  /**
   * Whether the batch is tried again: always while the failure is transient (the broker is away or
   * moving) and the ledger is open, otherwise up to {@link #ATTEMPTS}. Fails the batch when not.
   */
  private boolean mayRetry(List<LedgerWrite> batch, int attempt, KafkaException e) {
    boolean transientFailure = isTransient(e);
    if (closed || (!transientFailure && attempt >= ATTEMPTS)) {
      log.error(
          "ledger transaction failed {} times{}; failing {} writes",
          attempt,
          closed ? " and the ledger is closing" : "",
          batch.size(),
          e);
      batch.forEach(w -> w.done().completeExceptionally(e));
      return false;
    }
    if (attempt == 1 || attempt % 10 == 0) {
      log.warn(
          "ledger transaction of {} writes failed (attempt {}); retrying{}: {}",
          batch.size(),
          attempt,
          transientFailure ? " until the broker takes it" : "",
          e.toString());
    }
    pause(MAX_RETRY_PAUSE.multipliedBy(Math.min(attempt, 10)).dividedBy(10));
    return true;
  }

  /** Aborts the open transaction, retrying while the broker is away; false if it cannot. */
  private boolean abort() {
    while (true) {
      try {
        producer.abortTransaction();
        return true;
      } catch (TimeoutException e) {
        if (closed) {
          return false;
        }
        log.warn("aborting a ledger transaction timed out; retrying");
      } catch (KafkaException | IllegalStateException abort) {
        log.warn("aborting a ledger transaction failed", abort);
        return false;
      }
    }
  }

  /**
   * Whether another producer took this transactional id (seen first as an old epoch on a produce):
   * a new one of ours would fence it in turn, so the ledger fails instead.
   */
  static boolean fenced(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ProducerFencedException
          || t instanceof InvalidProducerEpochException
          || t instanceof AuthorizationException) {
        return true;
      }
    }
    return false;
  }

  /** A failure the broker's return cures: retriable errors, also as the cause of another. */
  static boolean isTransient(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof RetriableException) {
        return true;
      }
    }
    return false;
  }

  private void pause(Duration pause) {
    try {
      // Between attempts on a broker that answers at once with an error: there is nothing to
      // wait on but time.
      Thread.sleep(pause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    }
  }
}
