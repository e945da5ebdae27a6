package io.faultline.executor.recovery;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.decision.FaultApproved;
import io.faultline.events.topics.Topics;
import io.faultline.executor.kafka.KafkaClients;
import io.faultline.executor.lifecycle.JournalEntry;
import io.faultline.executor.run.FaultRunner;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives faults a lost executor left in flight: re-reads each one's approval (the journal points at
 * it; the approval holds the account access) and hands it to the runner, which rolls back and
 * publishes the terminal event. What it decides per phase is in {@code README.md} (Recovery).
 */
public final class Takeover {
  private static final Logger log = LoggerFactory.getLogger(Takeover.class);

  private final KafkaClients kafka;
  private final FaultRunner runner;
  private final Runnable beatNow;
  // Faults whose approval is being read: not launched twice while that takes.
  private final Set<String> launching = ConcurrentHashMap.newKeySet();

  /**
   * @param beatNow sends a heartbeat at once (after faults are taken over, so their leases are
   *     renewed without waiting for the interval)
   */
  public Takeover(KafkaClients kafka, FaultRunner runner, Runnable beatNow) {
    this.kafka = kafka;
    this.runner = runner;
    this.beatNow = beatNow;
  }

  /** Takes over the faults on a virtual thread, so the caller (a rebalance) is not held up. */
  public void launch(List<JournalEntry> inFlight) {
    List<JournalEntry> mine =
        inFlight.stream()
            .filter(e -> !runner.isRunning(e.faultKey()))
            .filter(e -> launching.add(e.faultKey()))
            .toList();
    if (mine.isEmpty()) {
      return;
    }
    Thread.ofVirtual()
        .name("takeover")
        .start(
            () -> {
              try {
                takeOver(mine);
              } finally {
                mine.forEach(e -> launching.remove(e.faultKey()));
              }
            });
  }

  private void takeOver(List<JournalEntry> entries) {
    try (KafkaConsumer<String, byte[]> consumer =
        kafka.consumer(
            "takeover",
            Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                1),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      for (JournalEntry entry : entries) {
        try {
          FaultlineEvent<FaultApproved> approval = approval(consumer, entry);
          if (approval == null) {
            log.error(
                "cannot take over fault {}: its approval at {}@{} is gone; host-side timers"
                    + " revert it",
                entry.faultId(),
                entry.approvalPartition(),
                entry.approvalOffset());
            continue;
          }
          runner.takeOver(approval, entry);
          // Running here now: name it in a beat before the policy's lease grace runs out.
          beatNow.run();
        } catch (RuntimeException e) {
          log.error("taking over fault {} failed", entry.faultId(), e);
        }
      }
    }
  }

  private static FaultlineEvent<FaultApproved> approval(
      KafkaConsumer<String, byte[]> consumer, JournalEntry entry) {
    TopicPartition tp =
        new TopicPartition(Topics.FAULT_APPROVALS.name(), entry.approvalPartition());
    consumer.assign(List.of(tp));
    consumer.seek(tp, entry.approvalOffset());
    Instant deadline = Instant.now().plusSeconds(15);
    while (Instant.now().isBefore(deadline)) {
      for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
        // The approval is keyed by fault key (a bare fault id before ADR 0007).
        if (record.offset() == entry.approvalOffset()
            && (entry.faultKey().equals(record.key()) || entry.faultId().equals(record.key()))) {
          return EventCodec.standard()
              .decode(Topics.FAULT_APPROVALS, record.key(), record.headers(), record.value());
        }
        if (record.offset() >= entry.approvalOffset()) {
          return null;
        }
      }
    }
    return null;
  }
}
