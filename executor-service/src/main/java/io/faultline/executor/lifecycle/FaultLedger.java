package io.faultline.executor.lifecycle;

import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.executor.kafka.KafkaClients;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

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
 * ledger. This class queues and batches; {@link LedgerRecords} builds and size-checks a write's
 * records and {@link LedgerCommits} runs the transactions.
 */
public final class FaultLedger implements AutoCloseable {
  /** The CloudEvents source of every event this service writes. */
  public static final URI SOURCE = URI.create("/faultline/executor-service");

  private static final int MAX_BATCH = 2_000;
  private static final Duration MAX_BLOCK = Duration.ofSeconds(30);

  /**
   * The most one record (key, value, headers and Kafka's per-record overhead) may weigh: the
   * producer's default {@code max.request.size}, which is also the 1 MiB each topic's readers
   * accept ({@code Topic#maxEventBytes}). A larger record would fail the whole transaction.
   */
  public static final int MAX_RECORD_BYTES = 1024 * 1024;

  private final LedgerMeters meters;
  private final LedgerCommits commits;
  private final BlockingQueue<LedgerWrite> queue = new LinkedBlockingQueue<>();
  private final Thread writer;

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
    this(kafka, transactionalId, new CompositeMeterRegistry());
  }

  /**
   * @param meters times each write's wait and each transaction ({@link LedgerMeters})
   */
  public FaultLedger(KafkaClients kafka, String transactionalId, MeterRegistry meters) {
    this(producers(kafka, transactionalId, MAX_BLOCK), MAX_BLOCK, meters);
  }

  /**
   * @param maxBlock how long one commit (or abort) waits for the broker before it is tried again
   */
  FaultLedger(KafkaClients kafka, String transactionalId, Duration maxBlock) {
    this(producers(kafka, transactionalId, maxBlock), maxBlock);
  }

  static Supplier<KafkaProducer<String, byte[]>> producers(
      KafkaClients kafka, String transactionalId, Duration maxBlock) {
    return () ->
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
  }

  /**
   * @param producers makes the transactional producer, and a new one under the same transactional
   *     id when the one in use is left in an error state it cannot leave
   */
  FaultLedger(Supplier<KafkaProducer<String, byte[]>> producers, Duration maxBlock) {
    this(producers, maxBlock, new CompositeMeterRegistry());
  }

  private FaultLedger(
      Supplier<KafkaProducer<String, byte[]>> producers, Duration maxBlock, MeterRegistry meters) {
    this.meters = new LedgerMeters(meters);
    this.commits = new LedgerCommits(producers, this.meters);
    commits.initTransactions(maxBlock);
    this.writer = Thread.ofPlatform().name("faultline-ledger").daemon().start(this::writeLoop);
  }

  /** The producer in use (tests). */
  KafkaProducer<String, byte[]> producer() {
    return commits.producer();
  }

  /**
   * Whether this executor may still act (its own heartbeat deadline, ADR 0007 §5): when false, no
   * fault's write is committed.
   */
  public void actingWhile(BooleanSupplier acting) {
    commits.acting = acting;
  }

  /** Called once when the ledger can no longer write (fenced, not authorised). */
  public void onFailure(Consumer<Exception> listener) {
    commits.failureListeners.add(listener);
  }

  /** Whether the ledger has stopped writing for good. */
  public boolean failed() {
    return commits.failure != null;
  }

  /** Called after every committed journal entry (e.g. to keep a dedupe index). */
  public void onJournaled(Consumer<JournalEntry> listener) {
    commits.journalListeners.add(listener);
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
    List<ProducerRecord<String, byte[]>> records = LedgerRecords.of(event, traceparent, entry);
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (commits.closed) {
      done.completeExceptionally(new IllegalStateException("ledger closed"));
      return done;
    }
    // Refused before it joins a batch: see LedgerRecords.oversized.
    var oversized = LedgerRecords.oversized(records, event, entry);
    if (oversized.isPresent()) {
      done.completeExceptionally(oversized.get());
      return done;
    }
    long submitted = System.nanoTime();
    done.thenRun(() -> meters.waited(System.nanoTime() - submitted));
    queue.add(new LedgerWrite(records, entry, owned, null, null, done));
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
    if (commits.closed) {
      done.completeExceptionally(new IllegalStateException("ledger closed"));
      return done;
    }
    queue.add(new LedgerWrite(List.of(), null, () -> true, Map.copyOf(offsets), group, done));
    return done;
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
    List<LedgerWrite> batch = new ArrayList<>();
    while (!commits.closed || !queue.isEmpty()) {
      try {
        LedgerWrite first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        List<LedgerWrite> offsets = batch.stream().filter(LedgerWrite::isOffsets).toList();
        commits.commit(batch.stream().filter(w -> !w.isOffsets()).toList());
        offsets.forEach(commits::commitOffsets);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } finally {
        batch.clear();
      }
    }
    // Whatever is still queued will never be written: fail it now rather than at the caller's
    // timeout.
    List<LedgerWrite> left = new ArrayList<>();
    queue.drainTo(left);
    left.forEach(w -> w.done().completeExceptionally(new IllegalStateException("ledger closed")));
  }

  /** Stops accepting writes, commits what is queued, closes the producer. */
  @Override
  public void close() {
    commits.closed = true;
    try {
      writer.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    commits.closeProducer(Duration.ofSeconds(5));
  }

  /** Closes the producer at once, without committing queued writes (simulates a crash). */
  public void abandon() {
    commits.closed = true;
    writer.interrupt();
    commits.closeProducer(Duration.ZERO);
  }
}
