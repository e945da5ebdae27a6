package io.faultline.executor.intake;

import com.fasterxml.jackson.databind.JsonNode;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.cloudevents.Json;
import io.faultline.events.decision.FaultApproved;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.FaultKey;
import io.faultline.events.ids.TenantId;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.topics.Topics;
import io.faultline.events.validation.ContractViolationException;
import io.faultline.executor.kafka.KafkaClients;
import io.faultline.executor.lifecycle.FaultLedger;
import io.faultline.executor.lifecycle.JournalEntry;
import io.faultline.executor.recovery.JournalIndex;
import io.faultline.executor.run.FaultRunner;
import io.faultline.telemetry.kafka.ConsumerLiveness;
import io.faultline.telemetry.kafka.PoisonRecords;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The approvals consumer (one platform thread); faults run on their own virtual threads. An
 * approval it cannot read never runs and never stops it: the fault ends FAILED INVALID_REQUEST when
 * its id and tenant can be read, and the record is counted as poison either way. While controls are
 * not being applied (see {@link io.faultline.executor.control.ControlConsumer#isApplying()}) it
 * pauses: no fault starts blind to halts.
 */
public final class ApprovalConsumer implements AutoCloseable {
  /** The reader's name in {@link ConsumerLiveness}. */
  public static final String READER = "approvals";

  private static final Logger log = LoggerFactory.getLogger(ApprovalConsumer.class);

  /**
   * @param groupId the consumer group every executor shares
   * @param sessionTimeout how soon a dead executor's partitions move (takeover latency)
   * @param maxInFlight above this many running faults, partitions are paused
   */
  public record Settings(String groupId, Duration sessionTimeout, int maxInFlight) {}

  private final Settings settings;
  private final FaultRunner runner;
  private final JournalIndex index;
  private final FaultLedger ledger;
  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaClientMetrics consumerMetrics;
  private final ApprovalOffsets offsets;
  private final String executorId;
  private final PoisonRecords poison;
  private final ConsumerLiveness readers;
  private final BooleanSupplier controlsApplied;
  private Thread thread;
  private volatile boolean closed;
  private volatile boolean paused;
  private boolean blind;

  /**
   * @param meters receives the consumer's Kafka client metrics (tag {@code consumer=approvals}),
   *     records lag included
   * @param controlsApplied whether a fault may start here: halts and aborts are being applied, this
   *     executor's heartbeat deadline holds and its ledger writes; while false, intake pauses
   */
  public ApprovalConsumer(
      KafkaClients kafka,
      Settings settings,
      String executorId,
      FaultRunner runner,
      JournalIndex index,
      FaultLedger ledger,
      MeterRegistry meters,
      PoisonRecords poison,
      ConsumerLiveness readers,
      BooleanSupplier controlsApplied) {
    this.settings = settings;
    this.poison = poison;
    this.readers = readers;
    this.controlsApplied = controlsApplied;
    this.executorId = executorId;
    this.runner = runner;
    this.index = index;
    this.ledger = ledger;
    int session = (int) settings.sessionTimeout().toMillis();
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "faultline-executor-" + executorId);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, session);
    config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Math.max(500, session / 3));
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
    // Only partitions that really move are revoked, so a rebalance never stops other faults.
    config.put(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    this.consumer =
        kafka.consumer(READER, config, new StringDeserializer(), new ByteArrayDeserializer());
    this.consumerMetrics = new KafkaClientMetrics(consumer, Tags.of("consumer", "approvals"));
    consumerMetrics.bindTo(meters);
    this.offsets = new ApprovalOffsets(ledger, consumer::groupMetadata);
    ledger.onJournaled(index::update);
  }

  public void start() {
    readers.running(READER);
    thread = Thread.ofPlatform().name("faultline-approvals").start(this::run);
  }

  private void run() {
    consumer.subscribe(List.of(Topics.FAULT_APPROVALS.name()), new Rebalance());
    try {
      while (!closed) {
        try {
          for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
            accept(record);
          }
        } catch (RecordDeserializationException e) {
          // A record the client itself cannot parse: step over it, as over any other poison.
          poison.skipped(e.topicPartition().topic(), e.topicPartition().partition(), e.offset(), e);
          consumer.seek(e.topicPartition(), e.offset() + 1);
        }
        offsets.commitReady(false);
        backpressure();
      }
      offsets.commitReady(true);
    } catch (WakeupException e) {
      if (!closed) {
        readers.stopped(READER, "woken up unexpectedly");
        throw e;
      }
    } catch (RuntimeException e) {
      readers.stopped(READER, "stopped: " + PoisonRecords.describe(e));
      log.error("approvals consumer stopped: no new fault starts on this executor", e);
    } finally {
      consumerMetrics.close();
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void accept(ConsumerRecord<String, byte[]> record) {
    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
    CompletableFuture<Void> done;
    try {
      done = acceptOrRefuse(record);
    } catch (RuntimeException e) {
      // Whatever a record provokes, it is this record's problem: count it and go on.
      poison.skipped(record.topic(), record.partition(), record.offset(), e);
      done = CompletableFuture.completedFuture(null);
    }
    offsets.read(tp, record.offset(), done);
  }

  private CompletableFuture<Void> acceptOrRefuse(ConsumerRecord<String, byte[]> record) {
    CompletableFuture<Void> done;
    if (record.key() != null && index.knows(record.partition(), record.key())) {
      log.info("approval {} was already journaled; not running it again", record.key());
      done = CompletableFuture.completedFuture(null);
    } else if (record.key() != null && runner.isRunning(record.key())) {
      done = CompletableFuture.completedFuture(null);
    } else {
      FaultlineEvent<FaultApproved> event;
      try {
        event =
            EventCodec.standard()
                .decode(Topics.FAULT_APPROVALS, record.key(), record.headers(), record.value());
      } catch (ContractViolationException e) {
        poison.skipped(record.topic(), record.partition(), record.offset(), e.getMessage());
        return rejectPoison(record, e.getMessage());
      }
      done = runner.start(event, record.partition(), record.offset());
    }
    return done;
  }

  /**
   * An approval that breaks the contract (e.g. a hostile parameter) never runs. When its fault and
   * tenant can be read, the fault ends FAILED with INVALID_REQUEST; otherwise it is logged.
   */
  private CompletableFuture<Void> rejectPoison(ConsumerRecord<String, byte[]> record, String why) {
    try {
      JsonNode data = Json.mapper().readTree(record.value());
      if (data.has("specversion") && data.has("data")) {
        data = data.get("data");
      }
      FaultId faultId = FaultId.of(data.path("faultId").asText());
      TenantId tenantId = TenantId.of(data.path("tenantId").asText());
      FaultKey key = new FaultKey(tenantId, faultId);
      if (!key.value().equals(record.key())) {
        throw new IllegalArgumentException("key does not match the fault key");
      }
      long sequence = Math.max(1, data.path("sequence").asLong(0) + 1);
      String traceparent = header(record, "ce_traceparent");
      String traceId =
          traceparent != null && traceparent.matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")
              ? traceparent.substring(3, 35)
              : null;
      FaultLifecycleEvent failed =
          FaultLifecycleEvent.failedInvalid(
              key,
              sequence,
              Instant.now(),
              "approval refused before any command: " + truncate(why),
              traceId);
      JournalEntry entry =
          new JournalEntry(
              faultId.value(),
              tenantId.value(),
              JournalEntry.Phase.TERMINAL,
              sequence + 1,
              record.partition(),
              record.offset(),
              traceId == null ? null : traceparent,
              List.of(),
              List.of(),
              null,
              executorId,
              Instant.now());
      log.info("approval {} ends FAILED INVALID_REQUEST", faultId);
      return ledger.submit(failed, traceId == null ? null : traceparent, entry);
    } catch (RuntimeException | java.io.IOException e) {
      // No fault id and tenant to end it with: the poison log line is all there is.
      return CompletableFuture.completedFuture(null);
    }
  }

  private static String header(ConsumerRecord<String, byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null || header.value() == null
        ? null
        : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static String truncate(String text) {
    return text == null ? "" : text.length() > 500 ? text.substring(0, 500) + "…" : text;
  }

  private void backpressure() {
    boolean full = runner.inFlight() >= settings.maxInFlight();
    boolean nowBlind = !controlsApplied.getAsBoolean();
    if (nowBlind != blind) {
      blind = nowBlind;
      if (blind) {
        log.warn(
            "no fault may start here (controls not applied, heartbeat deadline passed or ledger"
                + " failed): pausing approvals");
      } else {
        log.info("faults may start here again: resuming approvals");
      }
    }
    if ((full || blind) && !paused) {
      consumer.pause(consumer.assignment());
      paused = true;
      if (full) {
        log.warn("{} faults in flight: pausing approvals", runner.inFlight());
      }
    } else if (!full && !blind && paused) {
      consumer.resume(consumer.assignment());
      paused = false;
    }
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      List<Integer> numbers = partitions.stream().map(TopicPartition::partition).toList();
      log.info("assigned approvals partitions {}", numbers);
      // Their running faults stay with the executors running them; the ownership watch takes over
      // those no heartbeat names any more.
      index.load(numbers);
      if (paused) {
        consumer.pause(partitions);
      }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      offsets.commitReady(true);
      handOver(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      handOver(partitions);
    }

    /** New approvals of these partitions go elsewhere; faults running here keep running. */
    private void handOver(Collection<TopicPartition> partitions) {
      List<Integer> numbers = partitions.stream().map(TopicPartition::partition).toList();
      log.info("approvals partitions {} move to another executor", numbers);
      index.drop(numbers);
      offsets.forget(partitions);
    }
  }

  @Override
  public void close() {
    closed = true;
    consumer.wakeup();
    if (thread != null) {
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
