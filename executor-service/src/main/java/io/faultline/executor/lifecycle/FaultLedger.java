package io.faultline.executor.lifecycle;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.topics.Topics;
import io.faultline.executor.kafka.KafkaClients;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes lifecycle events and journal entries, each write atomically in one Kafka transaction.
 * Writes from thousands of fault threads are grouped: one writer thread drains what is queued and
 * commits it in one transaction, so a write costs a share of a commit, not a commit.
 *
 * <p>Contract: when {@link #write} returns, the event and the entry are committed together (or
 * neither is, and it throws). Event ids are derived from tenant, fault id and sequence, so a
 * re-published event keeps its id.
 *
 * <p>While the broker cannot be reached (or answers with retriable errors) nothing is failed: the
 * pending commit is retried, and a batch whose records expired is aborted and written again in a
 * new transaction, until the broker takes it or the ledger closes. So the events of faults that
 * ended during an outage (a halt on the HTTP port, rollbacks) are written, in order, once it is
 * back. Other errors are retried 3 times; a fenced producer fails every write and closes the
 * ledger.
 */
public final class FaultLedger implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FaultLedger.class);

  /** The CloudEvents source of every event this service writes. */
  public static final URI SOURCE = URI.create("/faultline/executor-service");

  private static final int MAX_BATCH = 2_000;
  private static final int ATTEMPTS = 3;
  private static final Duration MAX_BLOCK = Duration.ofSeconds(30);
  private static final Duration MAX_RETRY_PAUSE = Duration.ofSeconds(1);

  /**
   * The most one record (key, value, headers and Kafka's per-record overhead) may weigh: the
   * producer's default {@code max.request.size}, which is also the 1 MiB each topic's readers
   * accept ({@code Topic#maxEventBytes}). A larger record would fail the whole transaction.
   */
  public static final int MAX_RECORD_BYTES = 1024 * 1024;

  // Kafka's record batch header plus one record's varints and attributes, rounded up.
  private static final int RECORD_OVERHEAD = 128;

  private final KafkaProducer<String, byte[]> producer;
  private final BlockingQueue<Write> queue = new LinkedBlockingQueue<>();
  private final List<Consumer<JournalEntry>> journalListeners = new CopyOnWriteArrayList<>();
  private final Thread writer;
  private volatile boolean closed;
  private volatile Exception failure;

  private final List<Consumer<Exception>> failureListeners = new CopyOnWriteArrayList<>();
  private volatile BooleanSupplier acting = () -> true;

  /**
   * One queued write; {@code owned} is asked again just before the transaction that would commit
   * it, so a fault released meanwhile (handed over, fenced) writes nothing more. Offsets to commit
   * with the approvals consumer's group metadata have no records.
   */
  private record Write(
      List<ProducerRecord<String, byte[]>> records,
      JournalEntry entry,
      BooleanSupplier owned,
      Map<TopicPartition, OffsetAndMetadata> offsets,
      ConsumerGroupMetadata group,
      CompletableFuture<Void> done) {
    boolean isOffsets() {
      return offsets != null;
    }
  }

  /** A write refused because its fault is no longer this executor's to write. */
  public static final class NotOwnedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    NotOwnedException(String message) {
      super(message);
    }
  }

  /** A ledger on an open broker (tests). */
  public FaultLedger(String bootstrapServers, String transactionalId) {
    this(KafkaClients.of(bootstrapServers), transactionalId);
  }

  public FaultLedger(KafkaClients kafka, String transactionalId) {
    this(kafka, transactionalId, MAX_BLOCK);
  }

  /**
   * @param maxBlock how long one commit (or abort) waits for the broker before it is tried again
   */
  FaultLedger(KafkaClients kafka, String transactionalId, Duration maxBlock) {
    this.producer =
        kafka.producer(
            "ledger",
            Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                transactionalId,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.LINGER_MS_CONFIG,
                2,
                // A killed executor's open transaction must not block read_committed readers
                // (the takeover) for long.
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                10_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                (int) maxBlock.toMillis()),
            new StringSerializer(),
            new ByteArraySerializer());
    initTransactions(maxBlock);
    this.writer = Thread.ofPlatform().name("faultline-ledger").daemon().start(this::writeLoop);
  }

  /**
   * Whether this executor may still act (its own heartbeat deadline, ADR 0007 §5): when false, no
   * fault's write is committed.
   */
  public void actingWhile(BooleanSupplier acting) {
    this.acting = acting;
  }

  /** Called once when the ledger can no longer write (fenced, not authorised). */
  public void onFailure(Consumer<Exception> listener) {
    failureListeners.add(listener);
  }

  /** Whether the ledger has stopped writing for good. */
  public boolean failed() {
    return failure != null;
  }

  /** Fences this id's earlier producers; retried while the coordinator is not ready (≤ 60 s). */
  private void initTransactions(Duration maxBlock) {
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

  /** Called after every committed journal entry (e.g. to keep a dedupe index). */
  public void onJournaled(Consumer<JournalEntry> listener) {
    journalListeners.add(listener);
  }

  /**
   * Commits an event (may be null) and a journal entry (may be null) together; blocks the calling
   * (virtual) thread until committed, however long the broker is away (a write given up on by its
   * caller could still be committed later, and then a fault would publish twice).
   *
   * @throws IllegalStateException when the write could not be committed
   */
  public void write(FaultLifecycleEvent event, String traceparent, JournalEntry entry) {
    write(event, traceparent, entry, () -> true);
  }

  /**
   * As {@link #write(FaultLifecycleEvent, String, JournalEntry)}, committed only if {@code owned}
   * still holds just before the transaction.
   *
   * @throws NotOwnedException when the fault was no longer this executor's to write
   */
  public void write(
      FaultLifecycleEvent event, String traceparent, JournalEntry entry, BooleanSupplier owned) {
    try {
      submit(event, traceparent, entry, owned).get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof NotOwnedException notOwned) {
        throw notOwned;
      }
      throw new IllegalStateException("ledger write failed: " + e.getCause().getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing the ledger", e);
    }
  }

  /** As {@link #write}, without waiting. */
  public CompletableFuture<Void> submit(
      FaultLifecycleEvent event, String traceparent, JournalEntry entry) {
    return submit(event, traceparent, entry, () -> true);
  }

  private CompletableFuture<Void> submit(
      FaultLifecycleEvent event, String traceparent, JournalEntry entry, BooleanSupplier owned) {
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>(2);
    if (entry != null) {
      records.add(
          new ProducerRecord<>(
              Topics.EXECUTION_JOURNAL.name(),
              entry.approvalPartition(),
              entry.faultKey(),
              entry.toJson()));
    }
    if (event != null) {
      String id =
          UUID.nameUUIDFromBytes(
                  (event.tenantId().value()
                          + "/"
                          + event.faultId().value()
                          + "/"
                          + event.sequence())
                      .getBytes(StandardCharsets.UTF_8))
              .toString();
      records.add(
          EventCodec.standard()
              .encode(Topics.FAULT_LIFECYCLE, FaultlineEvent.of(id, SOURCE, event, traceparent)));
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (closed) {
      done.completeExceptionally(new IllegalStateException("ledger closed"));
      return done;
    }
    // Refused before it joins a batch: one oversized record would abort every fault's writes in
    // the shared transaction, not only its own.
    for (ProducerRecord<String, byte[]> record : records) {
      int size = recordBytes(record);
      if (size > MAX_RECORD_BYTES) {
        String fault =
            entry != null
                ? entry.faultKey()
                : event.tenantId().value() + "/" + event.faultId().value();
        boolean journal = record.topic().equals(Topics.EXECUTION_JOURNAL.name());
        done.completeExceptionally(
            new RecordTooLargeException(
                (journal ? "the journal entry" : "the lifecycle event") + " of fault " + fault,
                size));
        return done;
      }
    }
    queue.add(new Write(records, entry, owned, null, null, done));
    return done;
  }

  /**
   * Commits approvals offsets in a transaction of their own with the consumer's group metadata, so
   * a consumer of an older generation (a zombie whose partitions moved) cannot commit them; a
   * refused commit fails only this write.
   */
  public CompletableFuture<Void> commitOffsets(
      Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (closed) {
      done.completeExceptionally(new IllegalStateException("ledger closed"));
      return done;
    }
    queue.add(new Write(List.of(), null, () -> true, Map.copyOf(offsets), group, done));
    return done;
  }

  /** What a record weighs on the wire, at most. */
  static int recordBytes(ProducerRecord<String, byte[]> record) {
    int size = RECORD_OVERHEAD + (record.value() == null ? 0 : record.value().length);
    size += record.key() == null ? 0 : record.key().getBytes(StandardCharsets.UTF_8).length;
    for (var header : record.headers()) {
      size += header.key().length() + (header.value() == null ? 0 : header.value().length) + 8;
    }
    return size;
  }

  /** A write refused before any transaction: one of its records is larger than a record may be. */
  public static final class RecordTooLargeException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    RecordTooLargeException(String what, int size) {
      super(
          what
              + " is "
              + size
              + " bytes, over the "
              + MAX_RECORD_BYTES
              + "-byte record limit; it was not written");
    }
  }

  private void writeLoop() {
    List<Write> batch = new ArrayList<>();
    while (!closed || !queue.isEmpty()) {
      try {
        Write first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        List<Write> offsets = batch.stream().filter(Write::isOffsets).toList();
        commit(batch.stream().filter(w -> !w.isOffsets()).toList());
        offsets.forEach(this::commitOffsets);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } finally {
        batch.clear();
      }
    }
    // Whatever is still queued will never be written: fail it now rather than at the caller's
    // timeout.
    List<Write> left = new ArrayList<>();
    queue.drainTo(left);
    left.forEach(w -> w.done().completeExceptionally(new IllegalStateException("ledger closed")));
  }

  /** The writes still owned; the others fail alone, never aborting the rest of the batch. */
  private List<Write> owned(List<Write> writes) {
    boolean mayAct = acting.getAsBoolean();
    List<Write> owned = new ArrayList<>(writes.size());
    for (Write write : writes) {
      if (mayAct && write.owned().getAsBoolean()) {
        owned.add(write);
      } else {
        write
            .done()
            .completeExceptionally(
                new NotOwnedException(
                    mayAct
                        ? "fault released by this executor before its write was committed"
                        : "this executor's heartbeat deadline passed: it no longer writes"));
      }
    }
    return owned;
  }

  private void commitOffsets(Write write) {
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

  private void fail(Exception e, List<Write> batch) {
    log.error("ledger producer can no longer write; failing {} writes", batch.size(), e);
    closed = true;
    if (failure == null) {
      failure = e;
      // Before the writers hear of it: their faults are released first, not ended in error.
      failureListeners.forEach(l -> l.accept(e));
    }
    batch.forEach(w -> w.done().completeExceptionally(e));
  }

  private void commit(List<Write> queued) {
    if (failure != null) {
      queued.forEach(w -> w.done().completeExceptionally(failure));
      return;
    }
    List<Write> batch = queued;
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
          for (Write write : batch) {
            for (ProducerRecord<String, byte[]> record : write.records()) {
              producer.send(record);
            }
          }
        }
        producer.commitTransaction();
        if (attempt > 1) {
          log.info("ledger committed {} writes after {} attempts", batch.size(), attempt);
        }
        for (Write write : batch) {
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
  private boolean mayRetry(List<Write> batch, int attempt, KafkaException e) {
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

  /** Stops accepting writes, commits what is queued, closes the producer. */
  @Override
  public void close() {
    closed = true;
    try {
      writer.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(5));
  }

  /** Closes the producer at once, without committing queued writes (simulates a crash). */
  public void abandon() {
    closed = true;
    writer.interrupt();
    producer.close(Duration.ZERO);
  }
}
