package io.faultline.events.cloudevents;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.faultline.events.topics.CleanupPolicy;
import io.faultline.events.topics.Topic;
import io.faultline.events.validation.ContractViolationException;
import io.faultline.events.validation.Violation;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Reads and writes Faultline events as CloudEvents 1.0 over Kafka.
 *
 * <p>Writing: binary content mode (attributes in {@code ce_*} headers, the JSON data as the value),
 * with {@code dataschema}, the {@code tenantid} extension and, when known, the {@code traceparent}
 * extension. Reading: binary or structured mode; the envelope, the data's JSON Schema, the
 * fault-type catalogue and the record key are all checked, and every violation is reported.
 */
public final class EventCodec {
  /** The only CloudEvents version Faultline accepts. */
  public static final String SPEC_VERSION = "1.0";

  public static final String JSON = "application/json";
  public static final String TENANT_EXTENSION = "tenantid";
  public static final String TRACEPARENT_EXTENSION = "traceparent";

  private static final EventCodec STANDARD = new EventCodec();

  private EventCodec() {}

  public static EventCodec standard() {
    return STANDARD;
  }

  /** The Kafka record for an event, keyed as the topic says. */
  public <T> ProducerRecord<String, byte[]> encode(Topic<T> topic, FaultlineEvent<T> event) {
    CloudEvent cloudEvent = toCloudEvent(topic, event);
    String key = topic.keyOf().apply(event.data());
    var writer = KafkaMessageFactory.createWriter(topic.name(), key);
    ProducerRecord<String, byte[]> record =
        event.mode() == ContentMode.STRUCTURED
            ? writer.writeStructured(cloudEvent, JsonFormat.CONTENT_TYPE)
            : writer.writeBinary(cloudEvent);
    if (event.traceparent() != null) {
      // Also the plain W3C header, for consumers instrumented by OpenTelemetry's Kafka support.
      record
          .headers()
          .add(TRACEPARENT_EXTENSION, event.traceparent().getBytes(StandardCharsets.UTF_8));
    }
    return record;
  }

  /** Writes the event's headers into {@code headers} and returns the record value. */
  public <T> byte[] encodeInto(Topic<T> topic, FaultlineEvent<T> event, Headers headers) {
    ProducerRecord<String, byte[]> record = encode(topic, event);
    for (Header header : record.headers()) {
      headers.remove(header.key());
      headers.add(header);
    }
    return record.value();
  }

  CloudEvent toCloudEvent(Topic<?> topic, FaultlineEvent<?> event) {
    EventFamily family = requireFamily(topic);
    if (!family.recordType().isInstance(event.data())) {
      throw new IllegalArgumentException(
          topic
              + " carries "
              + family.recordType().getSimpleName()
              + ", not "
              + event.data().getClass().getSimpleName());
    }
    byte[] data = toJson(event.data());
    CloudEventBuilder builder =
        CloudEventBuilder.v1()
            .withId(event.id())
            .withSource(event.source())
            .withType(event.type())
            .withSubject(event.subject())
            .withTime(event.time())
            .withDataContentType(JSON)
            .withDataSchema(family.dataSchema())
            .withData(data);
    String tenant = family.tenantOf(event.data());
    if (tenant != null) {
      builder.withExtension(TENANT_EXTENSION, tenant);
    }
    if (event.traceparent() != null) {
      builder.withExtension(TRACEPARENT_EXTENSION, event.traceparent());
    }
    return builder.build();
  }

  /**
   * Reads one record of a topic.
   *
   * @param key the record key, checked against the key the topic derives from the data
   * @return the event, or {@code null} for a tombstone on a compacted topic
   * @throws ContractViolationException naming every broken rule
   */
  public <T> FaultlineEvent<T> decode(Topic<T> topic, String key, Headers headers, byte[] value) {
    return decode(topic, key, true, headers, value);
  }

  /**
   * As {@link #decode(Topic, String, Headers, byte[])} without the key check, for Kafka
   * deserializers (which never see the key); the consumer should compare keys itself.
   */
  public <T> FaultlineEvent<T> decodeValue(Topic<T> topic, Headers headers, byte[] value) {
    return decode(topic, null, false, headers, value);
  }

  private <T> FaultlineEvent<T> decode(
      Topic<T> topic, String key, boolean checkKey, Headers headers, byte[] value) {
    requireFamily(topic);
    try {
      return decodeChecked(topic, key, checkKey, headers, value);
    } catch (ContractViolationException e) {
      throw e;
    } catch (RuntimeException e) {
      // Whatever a hostile record does to the parsers below, the caller sees one kind of refusal
      // and can skip the record: nothing a producer writes may stop a consumer.
      throw Refusals.violation("$", "readable", "the record cannot be read: " + describe(e));
    }
  }

  private <T> FaultlineEvent<T> decodeChecked(
      Topic<T> topic, String key, boolean checkKey, Headers headers, byte[] value) {
    EventFamily family = requireFamily(topic);
    List<Violation> headerViolations = HeaderChecks.violations(headers);
    if (!headerViolations.isEmpty()) {
      throw new ContractViolationException(headerViolations);
    }
    if (value == null) {
      if (topic.cleanup() == CleanupPolicy.COMPACT) {
        return null;
      }
      throw Refusals.violation("$", "required", "the record has no value");
    }
    if (value.length > topic.maxEventBytes()) {
      throw Refusals.violation(
          "$",
          "maxBytes",
          "the event is "
              + value.length
              + " bytes; "
              + topic
              + " accepts at most "
              + topic.maxEventBytes());
    }
    ContentMode mode = Envelopes.modeOf(headers);
    CloudEvent cloudEvent = Envelopes.read(headers, value);
    List<Violation> violations = new ArrayList<>(Envelopes.check(family, cloudEvent));
    if (cloudEvent.getData() == null) {
      violations.add(new Violation("ce.data", "required", "the event has no data"));
      throw new ContractViolationException(violations);
    }
    JsonNode data;
    try {
      data = Json.mapper().readTree(cloudEvent.getData().toBytes());
    } catch (java.io.IOException e) {
      violations.add(
          new Violation(
              "$", "json", "data is not valid JSON: " + Refusals.firstLine(e.getMessage())));
      throw new ContractViolationException(violations);
    }
    violations.addAll(validateData(family, data));
    if (!violations.isEmpty()) {
      throw new ContractViolationException(violations);
    }
    T record = bind(topic.valueType(), data);
    String subject = family.subjectOf(record);
    if (!subject.equals(cloudEvent.getSubject())) {
      violations.add(
          new Violation(
              "ce.subject",
              "const",
              "subject must be '" + subject + "', got '" + cloudEvent.getSubject() + "'"));
    }
    String expectedKey = topic.keyOf().apply(record);
    if (checkKey && expectedKey != null && !expectedKey.equals(key)) {
      violations.add(
          new Violation(
              "key",
              "matchesKey",
              topic
                  + " is keyed by "
                  + topic.key()
                  + ": the key must be '"
                  + expectedKey
                  + "', got "
                  + (key == null ? "no key" : "'" + key + "'")));
    }
    if (!violations.isEmpty()) {
      throw new ContractViolationException(violations);
    }
    Object traceparent = cloudEvent.getExtension(TRACEPARENT_EXTENSION);
    if (traceparent == null && headers.lastHeader(TRACEPARENT_EXTENSION) != null) {
      traceparent =
          new String(headers.lastHeader(TRACEPARENT_EXTENSION).value(), StandardCharsets.UTF_8);
    }
    OffsetDateTime time =
        cloudEvent.getTime() == null ? OffsetDateTime.now(ZoneOffset.UTC) : cloudEvent.getTime();
    return new FaultlineEvent<>(
        cloudEvent.getId(),
        cloudEvent.getSource(),
        cloudEvent.getType(),
        cloudEvent.getSubject(),
        time,
        traceparent == null ? null : traceparent.toString(),
        record,
        mode);
  }

  /**
   * Validates event data (the JSON of a record) against its family's schema and, for requests and
   * approvals, the fault-type catalogue; for run watches, each probe against the probe catalogue
   * (names unique within each list). Empty when valid.
   */
  public List<Violation> validateData(EventFamily family, JsonNode data) {
    return DataRules.validate(family, data);
  }

  /** Reads and fully validates a record from its JSON data (used for documented examples). */
  public <T> T fromJson(EventFamily family, Class<T> type, byte[] json) {
    JsonNode data;
    try {
      data = Json.mapper().readTree(json);
    } catch (java.io.IOException e) {
      throw Refusals.violation(
          "$", "json", "not valid JSON: " + Refusals.firstLine(e.getMessage()));
    }
    List<Violation> violations = validateData(family, data);
    if (!violations.isEmpty()) {
      throw new ContractViolationException(violations);
    }
    return bind(type, data);
  }

  /** The JSON of a record, as it travels in an event's data. */
  public byte[] toJson(Object record) {
    try {
      return Json.mapper().writeValueAsBytes(record);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write " + record.getClass().getSimpleName(), e);
    }
  }

  private static <T> T bind(Class<T> type, JsonNode data) {
    try {
      return Json.mapper().treeToValue(data, type);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      Throwable cause = e;
      while (cause.getCause() != null && cause != cause.getCause()) {
        cause = cause.getCause();
        if (cause instanceof ContractViolationException contract) {
          throw contract;
        }
      }
      throw Refusals.violation("$", "binding", Refusals.firstLine(cause.getMessage()));
    }
  }

  private static String describe(RuntimeException e) {
    return e.getClass().getSimpleName()
        + (e.getMessage() == null ? "" : ": " + Refusals.firstLine(e.getMessage()));
  }

  private static EventFamily requireFamily(Topic<?> topic) {
    return topic
        .events()
        .orElseThrow(() -> new IllegalArgumentException(topic + " carries no contract events"));
  }
}
