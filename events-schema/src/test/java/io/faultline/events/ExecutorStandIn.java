package io.faultline.events;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.topics.Topics;
import io.faultline.testsupport.TestKafka;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plays the services downstream of a request on a real lifecycle topic: the policy service's
 * decision and the executor's events after it, each from the producer its stage names and with that
 * producer's CloudEvents source. Shared with the services through this module's test-jar.
 */
public final class ExecutorStandIn implements AutoCloseable {
  private final KafkaProducer<String, byte[]> producer;
  private final String topic;

  /** On the test broker's ({@link TestKafka}) lifecycle topic. */
  public ExecutorStandIn() {
    this(
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer()),
        Topics.FAULT_LIFECYCLE.name());
  }

  /**
   * Through {@code producer}, which it closes, to {@code topic}: the lifecycle topic or a test's
   * namespaced copy of it.
   */
  public ExecutorStandIn(KafkaProducer<String, byte[]> producer, String topic) {
    this.producer = producer;
    this.topic = topic;
  }

  /** APPROVED, STARTED, INJECTED, ROLLING_BACK, COMPLETED. */
  public void complete(FaultRequested request) {
    publish(request, LifecycleStage.APPROVED, 1, null);
    publish(request, LifecycleStage.STARTED, 2, null);
    publish(request, LifecycleStage.INJECTED, 3, null);
    publish(request, LifecycleStage.ROLLING_BACK, 4, null);
    publish(request, LifecycleStage.COMPLETED, 5, null);
  }

  /** APPROVED, STARTED, then FAILED (inject). */
  public void fail(FaultRequested request) {
    publish(request, LifecycleStage.APPROVED, 1, null);
    publish(request, LifecycleStage.STARTED, 2, null);
    publish(request, LifecycleStage.FAILED, 3, FailureReason.INJECT);
  }

  /** One event of the request's fault ({@link #event}), once the broker has it. */
  public void publish(
      FaultRequested request, LifecycleStage stage, long sequence, FailureReason reason) {
    try {
      send(event(request, stage, sequence, reason)).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sends one event without waiting for the broker. */
  public Future<RecordMetadata> send(FaultLifecycleEvent event) {
    ProducerRecord<String, byte[]> encoded = record(event);
    return producer.send(
        new ProducerRecord<>(topic, null, encoded.key(), encoded.value(), encoded.headers()));
  }

  /**
   * The event of the request's fault at {@code stage}, now: no targets or commands, a detail
   * wherever there is a reason.
   */
  public static FaultLifecycleEvent event(
      FaultRequested request, LifecycleStage stage, long sequence, FailureReason reason) {
    return new FaultLifecycleEvent(
        request.faultId(),
        request.tenantId(),
        request.experimentId(),
        request.runId(),
        request.faultType(),
        request.accountId(),
        request.region(),
        stage,
        sequence,
        Instant.now(),
        stage.producer(),
        request.dryRun(),
        request.parameters().asMap(),
        List.of(),
        List.of(),
        reason,
        reason == null ? null : "simulated " + reason,
        List.of(),
        null);
  }

  /** The record of an event on the lifecycle topic, from its producer's CloudEvents source. */
  public static ProducerRecord<String, byte[]> record(FaultLifecycleEvent event) {
    return EventCodec.standard()
        .encode(
            Topics.FAULT_LIFECYCLE,
            FaultlineEvent.of(URI.create("/faultline/" + event.producer()), event));
  }

  @Override
  public void close() {
    producer.close();
  }
}
