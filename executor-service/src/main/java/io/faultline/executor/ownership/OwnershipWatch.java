package io.faultline.executor.ownership;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.heartbeat.ExecutorHeartbeat;
import io.faultline.events.topics.Topics;
import io.faultline.executor.kafka.KafkaClients;
import io.faultline.executor.lifecycle.JournalEntry;
import io.faultline.executor.recovery.JournalIndex;
import io.faultline.executor.recovery.Takeover;
import io.faultline.executor.run.FaultRunner;
import io.faultline.executor.run.InFlightFault;
import io.faultline.telemetry.kafka.ConsumerLiveness;
import io.faultline.telemetry.kafka.PoisonRecords;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ownership of running faults by heartbeat (ADR 0007 §5), on a thread of its own: reads every
 * executor's heartbeats (all partitions, no group) and, every second,
 *
 * <ol>
 *   <li>releases this executor's faults whose ownership lapsed (its own heartbeat deadline),
 *   <li>releases local faults another executor claims under a higher epoch,
 *   <li>takes over the faults journaled in the approvals partitions this executor owns that no
 *       heartbeat has named for the takeover grace, or that were handed over.
 * </ol>
 *
 * Nothing is taken over before the heartbeats of the last two graces are read.
 */
public final class OwnershipWatch implements AutoCloseable {
  /** The reader's name in {@link ConsumerLiveness}. */
  public static final String READER = "heartbeats";

  private static final Logger log = LoggerFactory.getLogger(OwnershipWatch.class);
  private static final Duration CHECK_EVERY = Duration.ofSeconds(1);

  private final KafkaClients kafka;
  private final Duration grace;
  private final JournalIndex index;
  private final FaultRunner runner;
  private final Takeover takeover;
  private final PoisonRecords poison;
  private final ConsumerLiveness readers;
  private final HeartbeatView view = new HeartbeatView();
  // The latest append time read per heartbeat partition (the watermark's parts).
  private final Map<TopicPartition, Instant> readUpTo = new HashMap<>();
  private List<TopicPartition> partitions = List.of();
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private volatile Instant clock = Instant.EPOCH;
  // The clock takeovers are judged by, as of the current check (see watermark()).
  private Instant watermark = Instant.EPOCH;
  private volatile boolean closed;
  private Thread thread;
  private KafkaConsumer<String, byte[]> consumer;

  /**
   * @param grace how long no heartbeat may name a fault before it is taken over (shorter than the
   *     policy service's lease-grace, so the new owner names it before its lease expires)
   */
  public OwnershipWatch(
      KafkaClients kafka,
      Duration grace,
      JournalIndex index,
      FaultRunner runner,
      Takeover takeover,
      PoisonRecords poison,
      ConsumerLiveness readers) {
    this.kafka = kafka;
    this.grace = grace;
    this.index = index;
    this.runner = runner;
    this.takeover = takeover;
    this.poison = poison;
    this.readers = readers;
  }

  /** The latest heartbeat append time read (the time journal sightings are judged by). */
  public Instant clock() {
    return clock;
  }

  /** Starts reading; see {@link #awaitCaughtUp}. */
  public void start() {
    consumer =
        kafka.consumer(
            "heartbeat-watch",
            Map.of(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    readers.running(READER);
    thread = Thread.ofPlatform().name("faultline-ownership").daemon().start(this::run);
  }

  /** Whether the heartbeats up to start-up have been read (and this executor's first beat). */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void run() {
    try {
      List<TopicPartition> tps = new ArrayList<>();
      for (int p = 0; p < Topics.EXECUTOR_HEARTBEATS.partitions(); p++) {
        tps.add(new TopicPartition(Topics.EXECUTOR_HEARTBEATS.name(), p));
      }
      consumer.assign(tps);
      partitions = List.copyOf(tps);
      seekToLookback(tps);
      Map<TopicPartition, Long> end = consumer.endOffsets(tps);
      Instant nextCheck = Instant.now();
      while (!closed) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          read(record);
        }
        if (caughtUp.getCount() > 0
            && tps.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp))
            && clock.isAfter(Instant.EPOCH)) {
          log.info("heartbeats read up to {}: taking over orphaned faults from now on", clock);
          caughtUp.countDown();
        }
        if (caughtUp.getCount() == 0 && !Instant.now().isBefore(nextCheck)) {
          nextCheck = Instant.now().plus(CHECK_EVERY);
          check();
        }
      }
    } catch (WakeupException e) {
      if (!closed) {
        readers.stopped(READER, "woken up unexpectedly");
      }
    } catch (RuntimeException e) {
      readers.stopped(READER, "stopped: " + PoisonRecords.describe(e));
      log.error("heartbeat watch stopped: no fault is taken over by this executor", e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  /** From two graces back (at least a minute): who was alive, and what they named. */
  private void seekToLookback(List<TopicPartition> tps) {
    Duration lookback =
        grace.multipliedBy(2).compareTo(Duration.ofMinutes(1)) < 0
            ? Duration.ofMinutes(1)
            : grace.multipliedBy(2);
    long from = Instant.now().minus(lookback).toEpochMilli();
    Map<TopicPartition, Long> times = new HashMap<>();
    tps.forEach(tp -> times.put(tp, from));
    Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(times);
    Map<TopicPartition, Long> end = consumer.endOffsets(tps);
    for (TopicPartition tp : tps) {
      OffsetAndTimestamp at = offsets.get(tp);
      consumer.seek(tp, at == null ? end.get(tp) : at.offset());
    }
  }

  private void read(ConsumerRecord<String, byte[]> record) {
    try {
      ExecutorHeartbeat beat =
          EventCodec.standard()
              .decode(Topics.EXECUTOR_HEARTBEATS, record.key(), record.headers(), record.value())
              .data();
      Instant appended = Instant.ofEpochMilli(record.timestamp());
      view.record(beat, appended);
      readUpTo.merge(
          new TopicPartition(record.topic(), record.partition()),
          appended,
          (a, b) -> a.isAfter(b) ? a : b);
      clock = view.clock();
    } catch (RuntimeException e) {
      poison.skipped(record.topic(), record.partition(), record.offset(), e);
    }
  }

  private void check() {
    int lapsed = runner.releaseLapsed();
    if (lapsed > 0) {
      log.warn(
          "this executor's heartbeat deadline passed: {} faults released to their partitions'"
              + " owners",
          lapsed);
    }
    fence();
    takeOverOrphans();
    view.forgetOlderThan(grace.multipliedBy(4));
  }

  private void fence() {
    Map<String, Long> claimed = new HashMap<>();
    for (InFlightFault fault : runner.inFlightFaults()) {
      String key = fault.key().value();
      view.named(key)
          .filter(n -> n.epoch() > fault.epoch())
          .ifPresent(n -> claimed.put(key, n.epoch()));
    }
    if (!claimed.isEmpty()) {
      runner.fence(claimed);
    }
  }

  private void takeOverOrphans() {
    watermark = watermark();
    Set<Integer> toRead = new TreeSet<>();
    for (JournalIndex.Known known : index.inFlight()) {
      if (verdict(known) != OrphanRule.Verdict.WAIT) {
        toRead.add(known.entry().approvalPartition());
      }
    }
    if (toRead.isEmpty()) {
      return;
    }
    // The journal may say more (finished, handed over, claimed) than when it was last read.
    index.refresh(toRead);
    List<JournalEntry> orphans = new ArrayList<>();
    for (JournalIndex.Known known : index.inFlight()) {
      if (toRead.contains(known.entry().approvalPartition())
          && verdict(known) == OrphanRule.Verdict.TAKE_OVER) {
        orphans.add(known.entry());
      }
    }
    if (!orphans.isEmpty()) {
      log.warn(
          "taking over {} faults no heartbeat names any more: {}",
          orphans.size(),
          orphans.stream().map(JournalEntry::faultKey).limit(20).toList());
      takeover.launch(orphans);
    }
  }

  private OrphanRule.Verdict verdict(JournalIndex.Known known) {
    JournalEntry entry = known.entry();
    if (runner.isRunning(entry.faultKey())) {
      return OrphanRule.Verdict.WAIT;
    }
    var named = view.named(entry.faultKey());
    Instant lastAlive = OrphanRule.lastAlive(entry, known.writtenAt(), named);
    return OrphanRule.judge(
        entry,
        known.writtenAt(),
        named,
        view.beatsAfter(entry.executor(), lastAlive),
        watermark,
        grace);
  }

  /**
   * The heartbeat time every partition has been read up to: the latest append time read, held back
   * by any partition not caught up (its latest append time read). A watch that lags on one
   * partition so never takes over a fault whose owner's newer beats sit unread there.
   */
  private Instant watermark() {
    Instant watermark = view.clock();
    for (TopicPartition tp : partitions) {
      java.util.OptionalLong lag = consumer.currentLag(tp);
      if (lag.isPresent() && lag.getAsLong() == 0) {
        continue;
      }
      Instant upTo = readUpTo.getOrDefault(tp, Instant.EPOCH);
      if (upTo.isBefore(watermark)) {
        watermark = upTo;
      }
    }
    return watermark;
  }

  @Override
  public void close() {
    closed = true;
    if (consumer != null) {
      consumer.wakeup();
    }
    if (thread != null) {
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
