package io.faultline.executor.guard;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.events.topics.Topics;
import io.faultline.executor.fault.Backoff;
import io.faultline.executor.kafka.KafkaClients;
import io.faultline.telemetry.kafka.ConsumerLiveness;
import io.faultline.telemetry.kafka.PoisonRecords;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the whole tenant-policies topic on every executor: all partitions assigned (no consumer
 * group, no committed offsets), from the beginning, then follows it, keeping each tenant's current
 * protected targets in {@link TenantGuards}. A tombstone removes the tenant (its faults keep their
 * approvals' guards). {@link #awaitCaughtUp} lets start-up wait until every policy that existed is
 * known.
 *
 * <p>Nothing on the topic can stop it: a record it cannot read is counted as poison and skipped
 * (the tenant keeps its last readable guard, as in the policy service), and a failed poll is
 * retried with backoff while the reader reports itself stopped (readiness down).
 */
public final class TenantPolicyReader implements AutoCloseable {
  /** The reader's name in {@link ConsumerLiveness}. */
  public static final String READER = "tenant-policies";

  private static final Logger log = LoggerFactory.getLogger(TenantPolicyReader.class);
  private static final Duration FIRST_RETRY_PAUSE = Duration.ofMillis(100);
  private static final Duration MAX_RETRY_PAUSE = Duration.ofSeconds(5);

  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaClientMetrics consumerMetrics;
  private final TenantGuards guards;
  private final PoisonRecords poison;
  private final ConsumerLiveness readers;
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private final Thread thread;
  private volatile boolean closed;

  /**
   * Starts reading into {@code guards}.
   *
   * @param meters receives the consumer's Kafka client metrics (tag {@code
   *     consumer=tenant-policies}), lag included
   */
  public TenantPolicyReader(
      KafkaClients kafka,
      TenantGuards guards,
      MeterRegistry meters,
      PoisonRecords poison,
      ConsumerLiveness readers) {
    this.guards = guards;
    this.poison = poison;
    this.readers = readers;
    this.consumer =
        kafka.consumer(
            READER,
            Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    this.consumerMetrics = new KafkaClientMetrics(consumer, Tags.of("consumer", READER));
    consumerMetrics.bindTo(meters);
    readers.running(READER);
    this.thread = Thread.ofPlatform().name("faultline-tenant-policies").daemon().start(this::run);
  }

  /** The guards this reader keeps current. */
  public TenantGuards guards() {
    return guards;
  }

  /** Waits until every policy that existed at start-up has been read. */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void run() {
    try {
      List<TopicPartition> partitions = assignAll();
      if (partitions.isEmpty()) {
        return;
      }
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      Backoff retry = null;
      boolean polling = true;
      while (!closed) {
        try {
          for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
            apply(record);
          }
          retry = null;
          if (!polling) {
            polling = true;
            readers.running(READER);
          }
          if (caughtUp.getCount() > 0
              && end.entrySet().stream()
                  .allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
            log.info(
                "tenant policies caught up ({} partitions, {} tenants)",
                partitions.size(),
                guards.size());
            caughtUp.countDown();
          }
        } catch (RecordDeserializationException e) {
          // A record the client itself cannot parse (e.g. a corrupt batch): step over it.
          poison.skipped(e.topicPartition().topic(), e.topicPartition().partition(), e.offset(), e);
          consumer.seek(e.topicPartition(), e.offset() + 1);
        } catch (WakeupException e) {
          throw e;
        } catch (RuntimeException e) {
          polling = false;
          readers.stopped(READER, "poll failed: " + PoisonRecords.describe(e));
          if (retry == null) {
            retry = new Backoff(FIRST_RETRY_PAUSE, MAX_RETRY_PAUSE);
          }
          Duration pause = retry.next();
          log.error(
              "tenant-policies consumer cannot read (retrying in {} ms): protected targets added"
                  + " meanwhile are not applied to running faults",
              pause.toMillis(),
              e);
          pauseFor(pause);
        }
      }
    } catch (WakeupException e) {
      if (!closed) {
        log.error("tenant-policies consumer woken up unexpectedly", e);
      }
    } catch (RuntimeException e) {
      log.error("tenant-policies consumer stopped: new protected targets are not applied", e);
    } finally {
      if (!closed) {
        readers.stopped(READER, "stopped: new protected targets are no longer applied");
      }
      consumerMetrics.close();
      consumer.close(Duration.ofSeconds(2));
    }
  }

  private List<TopicPartition> assignAll() {
    List<TopicPartition> partitions = List.of();
    while (partitions.isEmpty() && !closed) {
      // Right after the topic is created its metadata may not list partitions yet.
      partitions =
          consumer.partitionsFor(Topics.TENANT_POLICIES.name(), Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return partitions;
  }

  private void apply(ConsumerRecord<String, byte[]> record) {
    try {
      FaultlineEvent<TenantPolicy> event =
          EventCodec.standard()
              .decode(Topics.TENANT_POLICIES, record.key(), record.headers(), record.value());
      if (event == null) {
        if (record.key() == null) {
          throw new IllegalArgumentException("a tombstone without a key names no tenant");
        }
        guards.remove(record.key());
        log.info("tenant {} deleted: its faults keep their approvals' guards", record.key());
        return;
      }
      TenantPolicy policy = event.data();
      guards.put(policy.tenantId().value(), ProtectedTargetGuard.of(policy.protectedTargets()));
      log.debug(
          "tenant {} policy revision {}: protected targets {}",
          policy.tenantId().value(),
          policy.revision(),
          policy.protectedTargets());
    } catch (RuntimeException e) {
      // Contract violations and anything else a hostile record provokes: never the consumer's end.
      poison.skipped(record.topic(), record.partition(), record.offset(), e);
    }
  }

  private void pauseFor(Duration pause) {
    try {
      // Backoff between failed polls: there is nothing to wait on but time.
      Thread.sleep(pause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    }
  }

  @Override
  public void close() {
    closed = true;
    consumer.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
