package io.faultline.executor.control;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.control.FaultControl;
import io.faultline.events.topics.Topics;
import io.faultline.executor.kafka.KafkaClients;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the controls this executor issued itself (halts asked for on its HTTP port) on the
 * controls topic, in the order they were issued, each retried until the broker acknowledges it.
 *
 * <p>Idempotent: a control keeps its {@code controlId} across attempts, the producer is idempotent,
 * and the topic is compacted by scope, so a record written twice (an acknowledgement lost with the
 * broker) means the same as once. Pending controls live in memory only: an executor stopped before
 * the broker came back loses them (logged at ERROR with their keys, see the README).
 */
public final class ControlPublisher implements AutoCloseable {
  /** The gauge of controls issued here and not yet acknowledged by the broker. */
  public static final String PENDING = "faultline.executor.halts.pending";

  /** The counter of controls issued here and acknowledged by the broker. */
  public static final String PUBLISHED = "faultline.executor.halts.published";

  private static final Logger log = LoggerFactory.getLogger(ControlPublisher.class);
  private static final URI SOURCE = URI.create("/faultline/executor-service");
  private static final Duration ATTEMPT = Duration.ofSeconds(30);

  private record Pending(FaultControl control, CompletableFuture<Void> published) {}

  private final KafkaProducer<String, byte[]> producer;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Counter published;
  private final Thread thread;
  private volatile Pending current;
  private volatile boolean closed;

  public ControlPublisher(KafkaClients kafka, MeterRegistry meters) {
    this.producer =
        kafka.idempotentProducer(
            "controls",
            Map.of(
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                (int) ATTEMPT.toMillis(),
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                10_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                10_000),
            new StringSerializer(),
            new ByteArraySerializer());
    Gauge.builder(PENDING, this, ControlPublisher::pending)
        .description("halts asked for on this executor's HTTP port, not yet on the controls topic")
        .register(meters);
    this.published =
        Counter.builder(PUBLISHED)
            .description("halts asked for on this executor's HTTP port and published")
            .register(meters);
    this.thread = Thread.ofPlatform().name("faultline-control-publisher").daemon().start(this::run);
  }

  /**
   * Queues a control for publication.
   *
   * @return completes once the broker acknowledged it
   */
  public CompletableFuture<Void> publish(FaultControl control) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (closed) {
      done.completeExceptionally(new IllegalStateException("control publisher closed"));
      return done;
    }
    queue.add(new Pending(control, done));
    return done;
  }

  /** Controls queued or being sent, not yet acknowledged. */
  public int pending() {
    return queue.size() + (current == null ? 0 : 1);
  }

  /** The controls not yet acknowledged, oldest first. */
  public List<FaultControl> pendingControls() {
    Pending sending = current;
    java.util.ArrayList<FaultControl> all = new java.util.ArrayList<>();
    if (sending != null) {
      all.add(sending.control());
    }
    queue.forEach(p -> all.add(p.control()));
    return all;
  }

  private void run() {
    while (!closed) {
      try {
        Pending next = queue.poll(200, TimeUnit.MILLISECONDS);
        if (next == null) {
          continue;
        }
        current = next;
        sendUntilAcknowledged(next);
        current = null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void sendUntilAcknowledged(Pending pending) throws InterruptedException {
    FaultControl control = pending.control();
    ProducerRecord<String, byte[]> record =
        EventCodec.standard().encode(Topics.FAULT_CONTROLS, FaultlineEvent.of(SOURCE, control));
    for (int attempt = 1; !closed; attempt++) {
      try {
        producer.send(record).get();
        published.increment();
        log.info(
            "{} for {} (control {}) published on {}{}",
            control.action(),
            control.key(),
            control.controlId(),
            Topics.FAULT_CONTROLS.name(),
            attempt > 1 ? " after " + attempt + " attempts" : "");
        pending.published().complete(null);
        return;
      } catch (ExecutionException | RuntimeException e) {
        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
        if (attempt == 1 || attempt % 10 == 0) {
          // Applied on this executor already; other executors and the policy service learn it
          // only from the topic.
          log.warn(
              "{} for {} (control {}) not published yet (attempt {}), retrying until the broker"
                  + " takes it: {}",
              control.action(),
              control.key(),
              control.controlId(),
              attempt,
              cause.toString());
        }
        pause();
      }
    }
  }

  private void pause() throws InterruptedException {
    // A send that fails fast (broker refusing connections): there is nothing to wait on but time.
    Thread.sleep(500);
  }

  /** Stops publishing; controls still pending are logged as lost (they were applied here only). */
  @Override
  public void close() {
    List<FaultControl> lost = pendingControls();
    closed = true;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ZERO);
    for (FaultControl control : lost) {
      log.error(
          "{} for {} (control {}, issued by {}) was never published: other executors and the"
              + " policy service do not know it; ask for it again",
          control.action(),
          control.key(),
          control.controlId(),
          control.issuedBy());
    }
    queue.forEach(p -> p.published().completeExceptionally(new IllegalStateException("closed")));
  }
}
