package io.faultline.executor.lifecycle;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.topics.Topics;
import io.faultline.executor.kafka.KafkaClients;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
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
 */
public final class FaultLedger implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FaultLedger.class);

  /** The CloudEvents source of every event this service writes. */
  public static final URI SOURCE = URI.create("/faultline/executor-service");

  private static final int MAX_BATCH = 2_000;
  private static final int ATTEMPTS = 3;

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

  private record Write(
      List<ProducerRecord<String, byte[]>> records,
      JournalEntry entry,
      CompletableFuture<Void> done) {}

  /** A ledger on an open broker (tests). */
  public FaultLedger(String bootstrapServers, String transactionalId) {
    this(KafkaClients.of(bootstrapServers), transactionalId);
  }

  public FaultLedger(KafkaClients kafka, String transactionalId) {
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
                30_000),
            new StringSerializer(),
            new ByteArraySerializer());
    producer.initTransactions();
    this.writer = Thread.ofPlatform().name("faultline-ledger").daemon().start(this::writeLoop);
  }

  /** Called after every committed journal entry (e.g. to keep a dedupe index). */
  public void onJournaled(Consumer<JournalEntry> listener) {
    journalListeners.add(listener);
  }

  /**
   * Commits an event (may be null) and a journal entry (may be null) together; blocks the calling
   * (virtual) thread until committed.
   *
   * @throws IllegalStateException when the write could not be committed
   */
  public void write(FaultLifecycleEvent event, String traceparent, JournalEntry entry) {
    try {
      submit(event, traceparent, entry).get(2, TimeUnit.MINUTES);
    } catch (ExecutionException e) {
      throw new IllegalStateException("ledger write failed: " + e.getCause().getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing the ledger", e);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("ledger write timed out", e);
    }
  }

  /** As {@link #write}, without waiting. */
  public CompletableFuture<Void> submit(
      FaultLifecycleEvent event, String traceparent, JournalEntry entry) {
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
    queue.add(new Write(records, entry, done));
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
        commit(batch);
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

  private void commit(List<Write> batch) {
    for (int attempt = 1; ; attempt++) {
      try {
        producer.beginTransaction();
        for (Write write : batch) {
          for (ProducerRecord<String, byte[]> record : write.records()) {
            producer.send(record);
          }
        }
        producer.commitTransaction();
        for (Write write : batch) {
          if (write.entry() != null) {
            journalListeners.forEach(l -> l.accept(write.entry()));
          }
          write.done().complete(null);
        }
        return;
      } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
        log.error("ledger producer can no longer write; failing {} writes", batch.size(), e);
        closed = true;
        batch.forEach(w -> w.done().completeExceptionally(e));
        return;
      } catch (KafkaException e) {
        try {
          producer.abortTransaction();
        } catch (KafkaException abort) {
          log.warn("aborting a ledger transaction failed", abort);
        }
        if (attempt >= ATTEMPTS) {
          log.error(
              "ledger transaction failed {} times; failing {} writes", attempt, batch.size(), e);
          batch.forEach(w -> w.done().completeExceptionally(e));
          return;
        }
        log.warn("ledger transaction failed (attempt {}), retrying", attempt, e);
      }
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
    producer.close(java.time.Duration.ofSeconds(5));
  }

  /** Closes the producer at once, without committing queued writes (simulates a crash). */
  public void abandon() {
    closed = true;
    writer.interrupt();
    producer.close(java.time.Duration.ZERO);
  }
}
