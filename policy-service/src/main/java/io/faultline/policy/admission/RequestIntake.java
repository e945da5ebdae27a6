package io.faultline.policy.admission;

import com.fasterxml.jackson.databind.JsonNode;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.cloudevents.Json;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.TenantId;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.topics.Topics;
import io.faultline.events.validation.ContractViolationException;
import io.faultline.events.validation.Violation;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes a fault request. Valid requests become {@code Decide} commands; a contract violation
 * becomes {@code RejectInvalid} when the raw JSON still names a tenant and fault, otherwise a dead
 * letter. Never throws: a poison record must not stall the stream.
 */
final class RequestIntake extends ContextualProcessor<String, byte[], String, Intake> {
  private static final Logger log = LoggerFactory.getLogger(RequestIntake.class);
  static final int MAX_REPORTED_VIOLATIONS = 50;

  @Override
  public void process(Record<String, byte[]> record) {
    try {
      FaultlineEvent<FaultRequested> event =
          EventCodec.standard()
              .decode(Topics.FAULT_REQUESTS, record.key(), record.headers(), record.value());
      toAdmission(new AdmissionCommand.Decide(event.data(), event.traceparent()), record);
    } catch (ContractViolationException e) {
      List<Violation> violations = e.violations().stream().limit(MAX_REPORTED_VIOLATIONS).toList();
      Optional<String[]> ids = readIds(record);
      if (ids.isPresent()) {
        toAdmission(
            new AdmissionCommand.RejectInvalid(
                ids.get()[0], ids.get()[1], violations, traceparent(record.headers())),
            record);
      } else {
        deadLetter(record, "contract-violation", describe(violations));
      }
    } catch (RuntimeException e) {
      // Anything else the codec throws on hostile bytes is still the record's fault, not ours.
      log.warn("unreadable fault request sent to the dead-letter topic: {}", e.toString());
      deadLetter(record, "unreadable", e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  private void toAdmission(AdmissionCommand command, Record<String, byte[]> record) {
    context()
        .forward(
            new Record<String, Intake>(
                AdmissionTopology.ADMISSION_KEY, command, record.timestamp(), new RecordHeaders()));
  }

  private void deadLetter(Record<String, byte[]> record, String reason, String violations) {
    Headers headers = new RecordHeaders(record.headers().toArray());
    headers.add("faultline.error.reason", bytes(reason));
    headers.add("faultline.error.violations", bytes(violations));
    context()
        .recordMetadata()
        .ifPresent(
            m -> {
              headers.add("faultline.error.topic", bytes(m.topic()));
              headers.add("faultline.error.partition", bytes(Integer.toString(m.partition())));
              headers.add("faultline.error.offset", bytes(Long.toString(m.offset())));
            });
    context()
        .forward(
            new Record<String, Intake>(
                record.key(), new DeadLetter(record.value()), record.timestamp(), headers));
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

  private static String traceparent(Headers headers) {
    Header header = headers.lastHeader("ce_traceparent");
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
