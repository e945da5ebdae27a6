package io.faultline.policy.admission;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.TenantId;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.topics.Topics;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Headers;

/**
 * Reads the three fields admission uses from an executor's lifecycle event (fault id, stage,
 * sequence) without decoding and schema-validating the whole event. The executor publishes five or
 * more events per fault, so this is most of what intake reads; measured with the load driver's
 * executor stand-in, full decoding was the largest part of intake's CPU. Each field read is still
 * checked (the stage against {@code ce_type}, the tenant against the key, the fault id against its
 * pattern); the rest of the event is the executor's contract with subscribers.
 *
 * <p>Only binary-mode events (data as the record value, attributes in {@code ce_} headers), which
 * is how Faultline publishes; anything else answers empty and is decoded in full.
 */
final class ExecutorEvents {
  private static final JsonFactory JSON = new JsonFactory();
  private static final Map<String, LifecycleStage> STAGE_BY_TYPE =
      Arrays.stream(LifecycleStage.values())
          .filter(s -> !s.producer().equals(AdmissionTopology.PRODUCER))
          .collect(
              Collectors.toUnmodifiableMap(LifecycleStage::cloudEventType, Function.identity()));

  private ExecutorEvents() {}

  /**
   * The event's progress, or empty when it is not a binary-mode executor event.
   *
   * @param type the record's {@code ce_type} header, null when it has none
   * @throws IllegalArgumentException naming the field and the rule an event breaks (a {@code
   *     content-type} header without a value among them)
   */
  static Optional<AdmissionCommand.Progress> progress(
      String key, String type, Headers headers, byte[] value) {
    String contentType = IntakeProcessor.header(headers, "content-type");
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
    String faultId = null;
    String tenantId = null;
    String accountId = null;
    String stageName = null;
    long sequence = -1;
    try (JsonParser parser = JSON.createParser(value)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("data must be a JSON object");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken token = parser.nextToken();
        switch (field) {
          case "faultId" -> faultId = text(parser, token, field);
          case "tenantId" -> tenantId = text(parser, token, field);
          case "accountId" ->
              accountId = token == JsonToken.VALUE_NULL ? null : text(parser, token, field);
          case "stage" -> stageName = text(parser, token, field);
          case "sequence" -> {
            if (token != JsonToken.VALUE_NUMBER_INT) {
              throw new IllegalArgumentException("sequence must be an integer");
            }
            sequence = parser.getLongValue();
          }
          default -> parser.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("data is not valid JSON: " + e.getMessage(), e);
    }
    if (!stage.name().equals(stageName)) {
      throw new IllegalArgumentException(
          "stage '" + stageName + "' must be " + stage + ", as ce_type says");
    }
    if (sequence < 1) {
      throw new IllegalArgumentException("sequence must be at least 1");
    }
    if (!TenantId.of(tenantId).value().equals(key)) {
      throw new IllegalArgumentException("tenantId '" + tenantId + "' must equal the record key");
    }
    return Optional.of(
        new AdmissionCommand.Progress(
            tenantId, FaultId.of(faultId).value(), accountId, sequence, stage.isTerminal()));
  }

  private static String text(JsonParser parser, JsonToken token, String field) throws IOException {
    if (token != JsonToken.VALUE_STRING) {
      throw new IllegalArgumentException(field + " must be a string");
    }
    return parser.getText();
  }
}
