package io.faultline.scheduler;

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
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plays the downstream services: publishes lifecycle events for requested faults on the real
 * lifecycle topic, as the policy service (decisions) and the executor (everything after) would.
 */
final class FakeExecutor implements AutoCloseable {
  private final KafkaProducer<String, byte[]> producer =
      new KafkaProducer<>(
          Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
          new StringSerializer(),
          new ByteArraySerializer());

  /** APPROVED, STARTED, INJECTED, ROLLING_BACK, COMPLETED. */
  void complete(FaultRequested request) {
    publish(request, LifecycleStage.APPROVED, 1, null);
    publish(request, LifecycleStage.STARTED, 2, null);
    publish(request, LifecycleStage.INJECTED, 3, null);
    publish(request, LifecycleStage.ROLLING_BACK, 4, null);
    publish(request, LifecycleStage.COMPLETED, 5, null);
  }

  /** APPROVED, STARTED, then FAILED (inject). */
  void fail(FaultRequested request) {
    publish(request, LifecycleStage.APPROVED, 1, null);
    publish(request, LifecycleStage.STARTED, 2, null);
    publish(request, LifecycleStage.FAILED, 3, FailureReason.INJECT);
  }

  void publish(FaultRequested r, LifecycleStage stage, long sequence, FailureReason reason) {
    FaultLifecycleEvent event =
        new FaultLifecycleEvent(
            r.faultId(),
            r.tenantId(),
            r.experimentId(),
            r.runId(),
            r.faultType(),
            r.accountId(),
            r.region(),
            stage,
            sequence,
            Instant.now(),
            stage.producer(),
            r.dryRun(),
            r.parameters().asMap(),
            List.of(),
            List.of(),
            reason,
            reason == null ? null : "simulated " + reason,
            List.of(),
            null);
    try {
      producer
          .send(
              EventCodec.standard()
                  .encode(
                      Topics.FAULT_LIFECYCLE,
                      FaultlineEvent.of(URI.create("/faultline/" + stage.producer()), event)))
          .get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
