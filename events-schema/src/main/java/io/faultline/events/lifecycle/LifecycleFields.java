package io.faultline.events.lifecycle;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.RunId;
import io.faultline.events.ids.TenantId;
import io.faultline.events.topics.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The fields that say whose a lifecycle event is and how far its fault got, read from a record
 * without decoding and schema-validating the whole event. Every decision and every executor step is
 * one event, and each service that only routes or counts them (the policy's lease intake, the
 * scheduler's engine for faults outside a run) paid most of its CPU per event for a full decode it
 * did not use. Each field read is still checked: the stage against {@code ce_type}, the tenant
 * against the record key, the ids against their patterns, the sequence at least 1; the rest of the
 * event is its producer's contract with subscribers (the scheduler's fan-out decodes it whole).
 *
 * <p>Only binary-mode events (data as the record value, attributes in {@code ce_} headers), which
 * is how Faultline publishes; anything else reads as empty, for the caller to decode in full.
 *
 * @param runId null when the fault is not part of a run
 * @param accountId null when the event names none (an approval refused unread)
 */
public record LifecycleFields(
    String tenantId,
    String faultId,
    String runId,
    String accountId,
    LifecycleStage stage,
    long sequence) {
  private static final JsonFactory JSON = new JsonFactory();
  private static final Map<String, LifecycleStage> STAGE_BY_TYPE =
      Arrays.stream(LifecycleStage.values())
          .collect(
              Collectors.toUnmodifiableMap(LifecycleStage::cloudEventType, Function.identity()));

  /**
   * The record's fields, or empty when it is not a binary-mode lifecycle event.
   *
   * @throws IllegalArgumentException naming the field and the rule the record breaks (a header
   *     without a value among them)
   */
  public static Optional<LifecycleFields> read(String key, Headers headers, byte[] value) {
    return read(key, header(headers, "ce_type"), headers, value);
  }

  /**
   * As {@link #read(String, Headers, byte[])} for a caller that has read {@code ce_type} already.
   *
   * @param type the record's {@code ce_type} header, null when it has none
   */
  public static Optional<LifecycleFields> read(
      String key, String type, Headers headers, byte[] value) {
    for (Header header : headers) {
      if (header.value() == null) {
        throw new IllegalArgumentException("header " + header.key() + " has no value");
      }
    }
    String contentType = header(headers, "content-type");
    if (type == null
        || (contentType != null && contentType.startsWith("application/cloudevents"))) {
      return Optional.empty();
    }
    LifecycleStage stage = STAGE_BY_TYPE.get(type);
    if (stage == null) {
      return Optional.empty();
    }
    if (value == null) {
      throw new IllegalArgumentException("the record has no value");
    }
    if (value.length > Topics.FAULT_LIFECYCLE.maxEventBytes()) {
      throw new IllegalArgumentException(
          "the event is " + value.length + " bytes, more than the topic's maxBytes");
    }
    Parsed parsed = parse(value);
    if (!stage.name().equals(parsed.stage)) {
      throw new IllegalArgumentException(
          "stage '" + parsed.stage + "' must be " + stage + ", as ce_type says");
    }
    if (parsed.sequence < 1) {
      throw new IllegalArgumentException("sequence must be at least 1");
    }
    if (!TenantId.of(parsed.tenantId).value().equals(key)) {
      throw new IllegalArgumentException(
          "tenantId '" + parsed.tenantId + "' must equal the record key");
    }
    return Optional.of(
        new LifecycleFields(
            parsed.tenantId,
            FaultId.of(parsed.faultId).value(),
            parsed.runId == null ? null : RunId.of(parsed.runId).value(),
            parsed.accountId == null ? null : AccountId.of(parsed.accountId).value(),
            stage,
            parsed.sequence));
  }

  /** The same fields of an event decoded whole (checked when it was decoded). */
  public static LifecycleFields of(FaultLifecycleEvent event) {
    return new LifecycleFields(
        event.tenantId().value(),
        event.faultId().value(),
        event.runId() == null ? null : event.runId().value(),
        event.accountId() == null ? null : event.accountId().value(),
        event.stage(),
        event.sequence());
  }

  /** The top-level fields read, unchecked. */
  private static final class Parsed {
    String tenantId;
    String faultId;
    String runId;
    String accountId;
    String stage;
    long sequence = -1;
  }

  private static Parsed parse(byte[] value) {
    Parsed parsed = new Parsed();
    try (JsonParser parser = JSON.createParser(value)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("data must be a JSON object");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken token = parser.nextToken();
        switch (field) {
          case "faultId" -> parsed.faultId = text(parser, token, field);
          case "tenantId" -> parsed.tenantId = text(parser, token, field);
          case "runId" -> parsed.runId = optionalText(parser, token, field);
          case "accountId" -> parsed.accountId = optionalText(parser, token, field);
          case "stage" -> parsed.stage = text(parser, token, field);
          case "sequence" -> {
            if (token != JsonToken.VALUE_NUMBER_INT) {
              throw new IllegalArgumentException("sequence must be an integer");
            }
            parsed.sequence = parser.getLongValue();
          }
          default -> parser.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("data is not valid JSON: " + e.getMessage(), e);
    }
    return parsed;
  }

  private static String text(JsonParser parser, JsonToken token, String field) throws IOException {
    if (token != JsonToken.VALUE_STRING) {
      throw new IllegalArgumentException(field + " must be a string");
    }
    return parser.getText();
  }

  private static String optionalText(JsonParser parser, JsonToken token, String field)
      throws IOException {
    return token == JsonToken.VALUE_NULL ? null : text(parser, token, field);
  }

  private static String header(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    return header == null || header.value() == null
        ? null
        : new String(header.value(), StandardCharsets.UTF_8);
  }
}
