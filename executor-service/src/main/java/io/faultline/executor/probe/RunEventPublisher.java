package io.faultline.executor.probe;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.probe.RunEvent;
import io.faultline.events.topics.Topics;
import io.faultline.executor.kafka.KafkaClients;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes run events on {@code faultline.run-events.v1} (key tenant id, source {@code
 * /faultline/executor-service}, CloudEvents id = the event id), in the order given per tenant. An
 * event the broker does not take within the delivery timeout is logged and counted, never retried
 * for ever: readings are sampled, and a breach's abort travels on the controls topic.
 */
final class RunEventPublisher implements AutoCloseable {
  /** The counter of run events the broker did not take. */
  static final String FAILED = "faultline.executor.run-events.failed";

  private static final Logger log = LoggerFactory.getLogger(RunEventPublisher.class);
  private static final URI SOURCE = URI.create("/faultline/executor-service");

  private final KafkaProducer<String, byte[]> producer;
  private final Counter failed;

  RunEventPublisher(KafkaClients kafka, MeterRegistry meters) {
    this.producer =
        kafka.idempotentProducer(
            "run-events",
            Map.of(
                ProducerConfig.LINGER_MS_CONFIG,
                0,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                30_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                10_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                10_000),
            new StringSerializer(),
            new ByteArraySerializer());
    this.failed =
        Counter.builder(FAILED)
            .description("run events (readings, results, breaches) the broker did not take")
            .register(meters);
  }

  void publish(RunEvent event) {
    try {
      producer.send(
          EventCodec.standard()
              .encode(Topics.RUN_EVENTS, FaultlineEvent.of(event.eventId(), SOURCE, event, null)),
          (metadata, error) -> {
            if (error != null) {
              failed.increment();
              log.warn(
                  "{} of run {}/{} not published: {}",
                  event.kind(),
                  event.tenantId(),
                  event.runId(),
                  error.toString());
            }
          });
    } catch (RuntimeException e) {
      failed.increment();
      log.warn(
          "{} of run {}/{} not published: {}",
          event.kind(),
          event.tenantId(),
          event.runId(),
          e.toString());
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
