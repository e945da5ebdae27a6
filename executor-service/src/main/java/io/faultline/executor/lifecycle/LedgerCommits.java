package io.faultline.executor.lifecycle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
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
 * fenced or unauthorised producer fails every write and closes the ledger for good.
 */
final class LedgerCommits {
  private static final Logger log = LoggerFactory.getLogger(FaultLedger.class);

  private static final int ATTEMPTS = 3;
  private static final Duration MAX_RETRY_PAUSE = Duration.ofSeconds(1);

  private final KafkaProducer<String, byte[]> producer;
  final List<Consumer<JournalEntry>> journalListeners = new CopyOnWriteArrayList<>();
  final List<Consumer<Exception>> failureListeners = new CopyOnWriteArrayList<>();
  volatile BooleanSupplier acting = () -> true;
  volatile boolean closed;
  volatile Exception failure;

  LedgerCommits(KafkaProducer<String, byte[]> producer) {
    this.producer = producer;
  }

  /** Fences this id's earlier producers; retried while the coordinator is not ready (≤ 60 s). */
  void initTransactions(Duration maxBlock) {
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
    try {
      producer.beginTransaction();
      producer.sendOffsetsToTransaction(write.offsets(), write.group());
      producer.commitTransaction();
      write.done().complete(null);
    } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
      fail(e, List.of(write));
    } catch (KafkaException e) {
      // A stale generation (the partitions moved) or a broker error: the approvals are delivered
      // again and the journal index recognises them. Nothing else fails.
      try {
        producer.abortTransaction();
      } catch (KafkaException abort) {
        log.warn("aborting an offsets transaction failed", abort);
      }
      write.done().completeExceptionally(e);
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

  void commit(List<LedgerWrite> queued) {
    if (failure != null) {
      queued.forEach(w -> w.done().completeExceptionally(failure));
      return;
    }
    List<LedgerWrite> batch = queued;
    boolean open = false;
    for (int attempt = 1; ; attempt++) {
      try {
        if (!open) {
          // Asked again before every transaction: a fault released while the broker was away
          // (handed over, or this executor's deadline passed) writes nothing more.
          batch = owned(batch);
          if (batch.isEmpty()) {
            return;
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
        if (attempt > 1) {
          log.info("ledger committed {} writes after {} attempts", batch.size(), attempt);
        }
        for (LedgerWrite write : batch) {
          if (write.entry() != null) {
            journalListeners.forEach(l -> l.accept(write.entry()));
          }
          write.done().complete(null);
        }
        return;
      } catch (ProducerFencedException
          | OutOfOrderSequenceException
          | AuthorizationException
          | IllegalStateException e) {
        // IllegalStateException: the producer refuses the next step (e.g. an abort that never
        // finished); its state is unknown, so nothing more may be written through it.
        fail(e, batch);
        return;
      } catch (TimeoutException e) {
        // The broker did not answer within max.block: the commit is still pending and is retried
        // as it stands (the producer allows it), with the same records.
        if (!mayRetry(batch, attempt, e)) {
          return;
        }
      } catch (KafkaException e) {
        open = !abort();
        if (open || !mayRetry(batch, attempt, e)) {
          if (open) {
            batch.forEach(w -> w.done().completeExceptionally(e));
          }
          return;
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
