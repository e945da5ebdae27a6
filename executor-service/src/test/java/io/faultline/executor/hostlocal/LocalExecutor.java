package io.faultline.executor.hostlocal;

import io.faultline.events.LifecycleTap;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.decision.FaultApproved;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.topics.Topics;
import io.faultline.executor.Executor;
import io.faultline.executor.fault.FaultRegistry;
import io.faultline.executor.fault.local.LocalDocumentRunner;
import io.faultline.executor.run.RunSettings;
import io.faultline.testsupport.TestKafka;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * An executor on the shared test broker whose commands run the real documents on this host (the
 * local transport), with a {@link LifecycleTap} of every lifecycle event: approvals in, events out.
 */
public final class LocalExecutor implements AutoCloseable {
  private final Executor executor;
  private final KafkaProducer<String, byte[]> producer;
  private final LifecycleTap lifecycle = new LifecycleTap();

  private LocalExecutor(Map<String, Map<String, String>> instances) {
    TestKafka.createTopics(Topics.all().stream().map(t -> t.newTopic((short) 1)).toList());
    executor =
        Executor.start(
            new Executor.Config(
                TestKafka.bootstrapServers(),
                "local-" + UUID.randomUUID(),
                "local-1",
                Duration.ofSeconds(6),
                100,
                RunSettings.defaults().withPolling(Duration.ofMillis(100), Duration.ofMillis(300))),
            new LocalAccountConnector(new LocalDocumentRunner(), instances, Map.of()),
            FaultRegistry.discover());
    producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer());
  }

  /** Starts an executor acting on {@code instances} (id → tags), all of them this host. */
  public static LocalExecutor start(Map<String, Map<String, String>> instances) {
    return new LocalExecutor(instances);
  }

  /** Publishes an approval as the policy service would. */
  public void publish(FaultApproved approval) {
    try {
      producer
          .send(
              EventCodec.standard()
                  .encode(
                      Topics.FAULT_APPROVALS,
                      FaultlineEvent.of(URI.create("/faultline/policy-service"), approval)))
          .get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot publish " + approval.faultId(), e.getCause());
    }
  }

  /** The fault's events so far, in the order read. */
  public List<FaultLifecycleEvent> events(String faultId) {
    return lifecycle.events(faultId).stream().map(FaultlineEvent::data).toList();
  }

  /** The fault's terminal event, waited for up to 60 s. */
  public FaultLifecycleEvent terminal(String faultId) {
    return lifecycle.awaitTerminal(faultId, Duration.ofSeconds(60));
  }

  @Override
  public void close() {
    lifecycle.close();
    producer.close();
    executor.close();
  }
}
