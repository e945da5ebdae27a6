package io.faultline.events.cloudevents;

import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.message.MessageReader;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.cloudevents.rw.CloudEventRWException;
import io.faultline.events.validation.Violation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** The CloudEvents envelope of a record: its content mode, reading it, and checking it. */
final class Envelopes {
  private Envelopes() {}

  static CloudEvent read(Headers headers, byte[] value) {
    if (headers.lastHeader("ce_specversion") == null && modeOf(headers) == ContentMode.BINARY) {
      throw Refusals.violation(
          "ce.specversion",
          "required",
          "not a CloudEvent: binary mode needs a ce_specversion header, structured mode a"
              + " content-type: application/cloudevents+json header");
    }
    try {
      MessageReader reader = KafkaMessageFactory.createReader(headers, value);
      return reader.toEvent();
    } catch (CloudEventRWException e) {
      String rule =
          switch (e.getKind()) {
            case INVALID_SPEC_VERSION -> "specversion";
            case INVALID_ATTRIBUTE_VALUE, INVALID_ATTRIBUTE_TYPE -> "attribute";
            case UNKNOWN_ENCODING -> "contentMode";
            default -> "cloudEvent";
          };
      String path = rule.equals("specversion") ? "ce.specversion" : "ce";
      throw Refusals.violation(
          path, rule, "not a valid CloudEvent 1.0: " + Refusals.firstLine(e.getMessage()));
    } catch (IllegalStateException | IllegalArgumentException e) {
      // The SDK reports missing required attributes (id, source, type) this way.
      throw Refusals.violation(
          "ce", "required", "not a valid CloudEvent 1.0: " + Refusals.firstLine(e.getMessage()));
    }
  }

  static List<Violation> check(EventFamily family, CloudEvent event) {
    List<Violation> violations = new ArrayList<>();
    if (event.getSpecVersion() != SpecVersion.V1) {
      violations.add(
          new Violation(
              "ce.specversion",
              "specversion",
              "specversion must be "
                  + EventCodec.SPEC_VERSION
                  + ", got "
                  + event.getSpecVersion().toString()));
    }
    if (!family.types().contains(event.getType())) {
      violations.add(
          new Violation(
              "ce.type", "enum", "type '" + event.getType() + "' is not one of " + family.types()));
    }
    String contentType = event.getDataContentType();
    if (contentType != null && !contentType.startsWith(EventCodec.JSON)) {
      violations.add(
          new Violation(
              "ce.datacontenttype",
              "const",
              "datacontenttype must be " + EventCodec.JSON + ", got " + contentType));
    }
    if (event.getSubject() == null) {
      violations.add(new Violation("ce.subject", "required", "subject (the fault id) is required"));
    }
    return violations;
  }

  static ContentMode modeOf(Headers headers) {
    Header contentType = headers.lastHeader("content-type");
    if (contentType != null
        && new String(contentType.value(), StandardCharsets.UTF_8)
            .startsWith("application/cloudevents")) {
      return ContentMode.STRUCTURED;
    }
    return ContentMode.BINARY;
  }
}
