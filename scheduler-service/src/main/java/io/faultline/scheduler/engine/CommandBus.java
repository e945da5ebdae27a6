package io.faultline.scheduler.engine;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.control.FaultControl;
import io.faultline.events.topics.Topics;
import io.faultline.scheduler.kafka.KafkaClients;
import io.faultline.scheduler.state.SchedulerCommand;
import io.faultline.scheduler.state.StateJson;
import io.faultline.scheduler.web.TraceContext;
import io.faultline.scheduler.web.UnavailableException;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.stereotype.Component;

/**
 * Sends commands to the engine and controls to the executors. A send returns once the broker has
 * the record (acks=all, idempotent), so an accepted HTTP request is never lost.
 */
@Component
public class CommandBus implements AutoCloseable {
  private final Producer<String, byte[]> producer;
  private final String commandsTopic;
  private final PublishTelemetry telemetry;

  CommandBus(
      KafkaClients clients,
      SchedulerProperties properties,
      OpenTelemetry openTelemetry,
      MeterRegistry registry) {
    this.telemetry = new PublishTelemetry(openTelemetry, registry);
    this.commandsTopic = properties.commandsTopic();
    this.producer =
        clients.producer(
            Map.of(
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.LINGER_MS_CONFIG,
                0,
                ProducerConfig.CLIENT_ID_CONFIG,
                "scheduler-api"),
            new StringSerializer(),
            new ByteArraySerializer());
  }

  /** Sends a command to the engine task that owns its tenant. */
  public void send(SchedulerCommand command) {
    await(
        new ProducerRecord<>(
            commandsTopic,
            command.tenantId(),
            StateJson.write(
                command.traceparent() == null
                    ? command.withTraceparent(TraceContext.current())
                    : command)));
  }

  /**
   * Publishes a control (abort a fault, halt or resume) on the controls topic.
   *
   * @param traceparent null: the current HTTP request's, if any
   */
  public void control(FaultControl control, String traceparent) {
    String parent = traceparent == null ? TraceContext.current() : traceparent;
    Span span = telemetry.startControl(control, parent);
    try {
      await(
          EventCodec.standard()
              .encode(
                  Topics.FAULT_CONTROLS,
                  FaultlineEvent.of(
                      control.controlId(),
                      EngineProcessor.SOURCE,
                      control,
                      PublishTelemetry.traceparent(span, parent))));
    } catch (UnavailableException e) {
      span.setStatus(StatusCode.ERROR, e.getMessage());
      throw e;
    } finally {
      span.end();
    }
  }

  private void await(ProducerRecord<String, byte[]> record) {
    try {
      producer.send(record).get(15, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted while sending", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new UnavailableException("Kafka did not accept the change; retry", e);
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
