package io.faultline.events.cloudevents;

import java.net.URI;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.UUID;

/**
 * A CloudEvent with typed data.
 *
 * @param id unique per event (a retry of the same event keeps its id)
 * @param source who produced it, e.g. {@code /faultline/policy-service}
 * @param type the CloudEvents type, e.g. {@code io.faultline.fault.requested.v1}
 * @param subject the fault id (or the control's scope)
 * @param time when it happened
 * @param traceparent W3C trace context (distributed-tracing extension), or null
 * @param mode how it was (or will be) carried on Kafka
 */
public record FaultlineEvent<T>(
    String id,
    URI source,
    String type,
    String subject,
    OffsetDateTime time,
    String traceparent,
    T data,
    ContentMode mode) {

  public FaultlineEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(mode, "mode");
  }

  /** A new binary-mode event with a random id, now, without trace context. */
  public static <T> FaultlineEvent<T> of(URI source, T data) {
    return of(UUID.randomUUID().toString(), source, data, null);
  }

  /** A new binary-mode event; type and subject derive from the data. */
  public static <T> FaultlineEvent<T> of(String id, URI source, T data, String traceparent) {
    EventFamily family = familyOf(data);
    return new FaultlineEvent<>(
        id,
        source,
        family.typeOf(data),
        family.subjectOf(data),
        OffsetDateTime.now(ZoneOffset.UTC),
        traceparent,
        data,
        ContentMode.BINARY);
  }

  public FaultlineEvent<T> withTraceparent(String value) {
    return new FaultlineEvent<>(id, source, type, subject, time, value, data, mode);
  }

  public FaultlineEvent<T> withMode(ContentMode value) {
    return new FaultlineEvent<>(id, source, type, subject, time, traceparent, data, value);
  }

  static EventFamily familyOf(Object data) {
    for (EventFamily family : EventFamily.values()) {
      if (family.recordType().isInstance(data)) {
        return family;
      }
    }
    throw new IllegalArgumentException(data.getClass() + " is not a Faultline event");
  }
}
