package io.faultline.events.client;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.EventFamily;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.cloudevents.Json;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.signing.RequestSigner;
import io.faultline.events.topics.Topics;
import io.faultline.events.tracing.TraceContexts;
import io.faultline.events.validation.ContractViolationException;
import io.faultline.events.validation.Violation;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes fault requests from any JVM platform. The fault id is the idempotency key: it is also
 * the CloudEvents id, so publishing the same request again (a retry) yields one decision. Requests
 * are validated before they leave, so a contract violation is thrown here, not discovered later.
 *
 * <pre>{@code
 * try (var publisher = FaultRequestPublisher.connect("broker:9092", URI.create("/ci/deploy-bot"))) {
 *   publisher.publish(request).join();
 * }
 * }</pre>
 */
public final class FaultRequestPublisher implements AutoCloseable {
  private final Producer<String, byte[]> producer;
  private final URI source;
  private final Tracer tracer;
  private final RequestSigner signer;
  private final EventCodec codec = EventCodec.standard();

  /** A publisher traced with the global OpenTelemetry (a no-op unless the application set one). */
  public FaultRequestPublisher(Producer<String, byte[]> producer, URI source) {
    this(producer, source, GlobalOpenTelemetry.get());
  }

  public FaultRequestPublisher(
      Producer<String, byte[]> producer, URI source, OpenTelemetry openTelemetry) {
    this(producer, source, openTelemetry.getTracer("io.faultline.events.client"), null);
  }

  private FaultRequestPublisher(
      Producer<String, byte[]> producer, URI source, Tracer tracer, RequestSigner signer) {
    this.producer = producer;
    this.source = source;
    this.tracer = tracer;
    this.signer = signer;
  }

  /**
   * This publisher, signing every request with {@code signer} (a key the tenant registered, ADR
   * 0008); it shares the producer, so close only one of the two.
   */
  public FaultRequestPublisher signedBy(RequestSigner signer) {
    return new FaultRequestPublisher(producer, source, tracer, signer);
  }

  /** A publisher with an idempotent producer ({@code acks=all}) of its own. */
  public static FaultRequestPublisher connect(String bootstrapServers, URI source) {
    return connect(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), source);
  }

  /** As {@link #connect(String, URI)} with further producer settings (security, client id). */
  public static FaultRequestPublisher connect(Map<String, Object> producerConfig, URI source) {
    Map<String, Object> config = new HashMap<>(producerConfig);
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return new FaultRequestPublisher(new KafkaProducer<>(config), source);
  }

  /**
   * Publishes a request in the caller's current trace, if any; without one and without a configured
   * OpenTelemetry, the platform starts the fault's trace.
   */
  public CompletableFuture<RecordMetadata> publish(FaultRequested request) {
    return publish(request, null);
  }

  /**
   * Publishes a request, continuing the caller's trace when {@code traceparent} is given.
   *
   * @throws ContractViolationException if the request breaks the contract
   */
  public CompletableFuture<RecordMetadata> publish(FaultRequested request, String traceparent) {
    List<Violation> violations =
        codec.validateData(EventFamily.FAULT_REQUESTED, Json.mapper().valueToTree(request));
    if (!violations.isEmpty()) {
      throw new ContractViolationException(violations);
    }
    Context parent = traceparent == null ? Context.current() : TraceContexts.extract(traceparent);
    Span span =
        tracer
            .spanBuilder(Topics.FAULT_REQUESTS.name() + " publish")
            .setParent(parent)
            .setSpanKind(SpanKind.PRODUCER)
            .setAttribute("messaging.system", "kafka")
            .setAttribute("messaging.operation.type", "send")
            .setAttribute("messaging.destination.name", Topics.FAULT_REQUESTS.name())
            .setAttribute("faultline.tenant.id", request.tenantId().value())
            .setAttribute("faultline.fault.id", request.faultId().value())
            .setAttribute("faultline.fault.type", request.faultType().value())
            .startSpan();
    String sentTraceparent = TraceContexts.traceparentOf(span);
    FaultlineEvent<FaultRequested> event =
        FaultlineEvent.of(
            request.faultId().value(),
            source,
            request,
            sentTraceparent != null ? sentTraceparent : traceparent);
    ProducerRecord<String, byte[]> record = codec.encode(Topics.FAULT_REQUESTS, event);
    if (signer != null) {
      signer.sign(record, request.tenantId().value());
    }
    CompletableFuture<RecordMetadata> sent = new CompletableFuture<>();
    try (Scope ignored = span.makeCurrent()) {
      producer.send(
          record,
          (metadata, error) -> {
            if (error != null) {
              span.setStatus(StatusCode.ERROR, error.getMessage());
              span.end();
              sent.completeExceptionally(error);
            } else {
              span.setAttribute(
                  "messaging.destination.partition.id", Integer.toString(metadata.partition()));
              span.end();
              sent.complete(metadata);
            }
          });
    }
    return sent;
  }

  @Override
  public void close() {
    producer.close();
  }
}
