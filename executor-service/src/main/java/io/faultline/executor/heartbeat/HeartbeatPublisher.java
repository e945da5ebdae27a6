package io.faultline.executor.heartbeat;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.topics.Topics;
import io.faultline.events.validation.ContractViolationException;
import io.faultline.executor.kafka.KafkaClients;
import io.faultline.executor.run.InFlightFault;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes this executor's heartbeat every interval (the first at {@link #start()}): the faults it
 * drives now, empty when none (an empty heartbeat still moves the policy service's heartbeat
 * clock). A plain idempotent producer, outside the ledger's transactions: a heartbeat is a fact of
 * its own. A beat that cannot be sent is logged and counted ({@value #HEARTBEATS}{@code
 * {outcome=failed}}) and never stops the schedule; the next beat says everything again.
 */
public final class HeartbeatPublisher implements AutoCloseable {
  /** Counter of heartbeat records, tag {@code outcome=sent|failed}. */
  public static final String HEARTBEATS = "faultline.executor.heartbeats";

  private static final Logger log = LoggerFactory.getLogger(HeartbeatPublisher.class);

  private final String executorId;
  private final Duration interval;
  private final Supplier<List<InFlightFault>> inFlight;
  private final KafkaProducer<String, byte[]> producer;
  private final Counter sent;
  private final Counter failed;
  private final AtomicBoolean failing = new AtomicBoolean();
  private final ScheduledExecutorService schedule;
  private final LongConsumer appended;

  /**
   * @param inFlight the faults this executor drives now (a snapshot per call, any thread)
   * @throws IllegalArgumentException when {@code executorId} cannot key a heartbeat (the contract's
   *     pattern): the executor would run faults whose leases no heartbeat keeps
   */
  public HeartbeatPublisher(
      KafkaClients kafka,
      String executorId,
      Duration interval,
      Supplier<List<InFlightFault>> inFlight,
      MeterRegistry meters) {
    this(kafka, executorId, interval, inFlight, meters, builtAt -> {});
  }

  /**
   * @param appended told, for every beat the broker appended, when the beat was built ({@link
   *     System#nanoTime()}): this executor's own heartbeat deadline counts from it
   */
  public HeartbeatPublisher(
      KafkaClients kafka,
      String executorId,
      Duration interval,
      Supplier<List<InFlightFault>> inFlight,
      MeterRegistry meters,
      LongConsumer appended) {
    this.appended = Objects.requireNonNull(appended, "appended");
    this.executorId = Objects.requireNonNull(executorId, "executorId");
    this.interval = Objects.requireNonNull(interval, "interval");
    this.inFlight = Objects.requireNonNull(inFlight, "inFlight");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("heartbeat interval must be positive, not " + interval);
    }
    requireReadable(executorId);
    this.sent = counter(meters, "sent");
    this.failed = counter(meters, "failed");
    long blockMs = Math.max(1_000, interval.toMillis());
    this.producer =
        kafka.idempotentProducer(
            "heartbeats",
            Map.of(
                ProducerConfig.LINGER_MS_CONFIG,
                0,
                // A beat never holds up the schedule for longer than one interval (metadata, full
                // buffer): it fails and the next one is sent on time.
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                blockMs,
                // A beat not appended within the policy's default lease-grace (30 s) is dropped;
                // newer beats say more.
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                30_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                30_000),
            new StringSerializer(),
            new ByteArraySerializer());
    this.schedule =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("faultline-heartbeats").daemon().factory());
  }

  private static Counter counter(MeterRegistry meters, String outcome) {
    return Counter.builder(HEARTBEATS)
        .description("Executor heartbeat records sent or failed")
        .tag("outcome", outcome)
        .register(meters);
  }

  /** The policy service refuses heartbeats it cannot read: fail at start-up, not per beat. */
  private static void requireReadable(String executorId) {
    ProducerRecord<String, byte[]> empty =
        Heartbeats.records(executorId, Instant.now(), List.of()).getFirst();
    try {
      EventCodec.standard()
          .decode(Topics.EXECUTOR_HEARTBEATS, empty.key(), empty.headers(), empty.value());
    } catch (ContractViolationException e) {
      throw new IllegalArgumentException(
          "executor id '" + executorId + "' cannot key a heartbeat: " + e.getMessage(), e);
    }
  }

  /** Sends the first beat now and then one every interval, until {@link #close()}. */
  public void start() {
    schedule.scheduleAtFixedRate(this::beat, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    log.info("executor {} sends a heartbeat every {}", executorId, interval);
  }

  /**
   * Sends a beat now, besides the schedule: after a takeover, so the policy service sees the fault
   * named again without waiting up to an interval (its lease runs from the last beat naming it).
   */
  public void beatNow() {
    try {
      schedule.execute(this::beat);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // Closing: the handover's journal entries say the rest.
    }
  }

  void beat() {
    // Whatever goes wrong here must not end the schedule (a throwing task is never run again).
    try {
      long builtAt = System.nanoTime();
      for (ProducerRecord<String, byte[]> record :
          Heartbeats.records(executorId, Instant.now(), inFlight.get())) {
        producer.send(
            record,
            (metadata, error) -> {
              if (error == null) {
                appended.accept(builtAt);
                sent();
              } else {
                failed(error);
              }
            });
      }
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  private void sent() {
    sent.increment();
    if (failing.compareAndSet(true, false)) {
      log.info("heartbeats are sent again");
    }
  }

  private void failed(Exception error) {
    failed.increment();
    // Once per outage, not once per beat.
    if (failing.compareAndSet(false, true)) {
      log.warn(
          "heartbeat of executor {} not sent (retried every {}): the policy service expires the"
              + " leases of its faults if this lasts longer than its lease-grace",
          executorId,
          interval,
          error);
    } else {
      log.debug("heartbeat not sent", error);
    }
  }

  /**
   * Stops the schedule (a beat in progress completes), sends a last beat (without the faults handed
   * over: their next owners take them over as soon as they read it), flushes and closes.
   */
  @Override
  public void close() {
    schedule.shutdown();
    try {
      if (!schedule.awaitTermination(interval.toMillis() + 5_000, TimeUnit.MILLISECONDS)) {
        schedule.shutdownNow();
      }
    } catch (InterruptedException e) {
      schedule.shutdownNow();
      Thread.currentThread().interrupt();
    }
    beat();
    producer.close(Duration.ofSeconds(5));
  }
}
