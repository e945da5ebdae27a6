package io.faultline.policy.admission;

import com.fasterxml.jackson.databind.JsonNode;
import io.faultline.events.cloudevents.ContentMode;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.cloudevents.Json;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.TenantId;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.topics.Topics;
import io.faultline.events.validation.ContractViolationException;
import io.faultline.events.validation.Violation;
import io.faultline.policy.authentication.RequestSignature;
import io.faultline.telemetry.kafka.PoisonRecords;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Decodes a fault request. Valid requests become {@code Decide} commands. Anything else is poison,
 * counted, and then still answered: it becomes {@code RejectInvalid} when the raw JSON names a
 * tenant and fault (the publisher gets a rejection with reasons), otherwise a dead letter.
 */
final class RequestIntake extends IntakeProcessor {
  static final int MAX_REPORTED_VIOLATIONS = 50;

  RequestIntake(PoisonRecords poison) {
    super(poison);
  }

  @Override
  Intake read(Record<String, byte[]> record) {
    FaultlineEvent<FaultRequested> event =
        EventCodec.standard()
            .decode(Topics.FAULT_REQUESTS, record.key(), record.headers(), record.value());
    RequestSignature signature =
        RequestSignature.of(
            record.headers(),
            record.value(),
            event.data().tenantId().value(),
            event.source().toString(),
            event.mode() == ContentMode.STRUCTURED);
    return new AdmissionCommand.Decide(event.data(), event.traceparent(), signature);
  }

  @Override
  Intake unreadable(Record<String, byte[]> record, RuntimeException cause) {
    if (!(cause instanceof ContractViolationException violation)) {
      // Anything else the codec throws on hostile bytes is still the record's fault, not ours.
      return new DeadLetter(record.value(), "unreadable", PoisonRecords.describe(cause));
    }
    List<Violation> violations =
        violation.violations().stream().limit(MAX_REPORTED_VIOLATIONS).toList();
    Optional<String[]> ids = readIds(record);
    if (ids.isPresent()) {
      String tenant = ids.get()[0];
      return new AdmissionCommand.RejectInvalid(
          tenant,
          ids.get()[1],
          violations,
          traceparent(record.headers()),
          RequestSignature.of(
              record.headers(),
              record.value(),
              tenant,
              text(record.headers(), "ce_source"),
              structured(record.headers())));
    }
    return new DeadLetter(record.value(), "contract-violation", describe(violations));
  }

  /**
   * The tenant and fault id from the raw JSON (binary mode: the value is the data; structured mode:
   * its {@code data} member), the tenant falling back to the record key. Both must be valid ids, or
   * the rejection could not be published.
   */
  static Optional<String[]> readIds(Record<String, byte[]> record) {
    if (record.value() == null) {
      return Optional.empty();
    }
    try {
      JsonNode root = Json.mapper().readTree(record.value());
      if (root == null) {
        return Optional.empty();
      }
      JsonNode data = root.path("data").isObject() ? root.path("data") : root;
      String tenant = data.path("tenantId").isTextual() ? data.path("tenantId").asText() : null;
      if (tenant == null) {
        tenant = record.key();
      }
      String fault = data.path("faultId").isTextual() ? data.path("faultId").asText() : null;
      if (tenant == null || fault == null) {
        return Optional.empty();
      }
      return Optional.of(new String[] {TenantId.of(tenant).value(), FaultId.of(fault).value()});
    } catch (java.io.IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  static String describe(List<Violation> violations) {
    return violations.stream().map(Violation::toString).collect(Collectors.joining("; "));
  }

  /** The request's traceparent header; null when it has none, or none that can be read. */
  private static String traceparent(Headers headers) {
    return text(headers, "ce_traceparent");
  }

  private static String text(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    return header == null || header.value() == null
        ? null
        : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static boolean structured(Headers headers) {
    String contentType = text(headers, "content-type");
    return contentType != null && contentType.startsWith("application/cloudevents");
  }
}
