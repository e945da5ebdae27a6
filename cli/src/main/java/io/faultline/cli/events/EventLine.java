package io.faultline.cli.events;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One event of the tenant's stream as a line of text: a lifecycle event ({@code stage}, the fault,
 * its run, where, why) or a run event ({@code kind}, its probe and reading, the verdict).
 */
final class EventLine {
  private EventLine() {}

  static String text(String name, JsonNode data) {
    if (data.has("kind")) {
      return runEvent(data);
    }
    StringBuilder out =
        new StringBuilder()
            .append(data.path("occurredAt").asText(""))
            .append(' ')
            .append(pad(data.path("stage").asText(name), 16))
            .append(" fault=")
            .append(data.path("faultId").asText("?"));
    append(out, "run", data.path("runId").asText(""));
    append(out, "type", data.path("faultType").asText(""));
    String account = data.path("accountId").asText("");
    if (!account.isEmpty()) {
      out.append(' ').append(account).append('/').append(data.path("region").asText(""));
    }
    String reason = data.path("reason").asText("");
    String detail = data.path("detail").asText("");
    if (!reason.isEmpty() || !detail.isEmpty()) {
      out.append(" —");
      if (!reason.isEmpty()) {
        out.append(' ').append(reason);
      }
      if (!detail.isEmpty()) {
        out.append(reason.isEmpty() ? " " : ": ").append(detail);
      }
    }
    return out.toString();
  }

  private static String runEvent(JsonNode data) {
    StringBuilder out =
        new StringBuilder()
            .append(data.path("at").asText(""))
            .append(' ')
            .append(pad(data.path("kind").asText(), 16));
    append(out, "run", data.path("runId").asText(""));
    append(out, "probe", data.path("probe").asText(""));
    append(out, "phase", data.path("phase").asText(""));
    JsonNode reading = data.path("reading");
    if (reading.isObject()) {
      out.append(reading.path("ok").asBoolean() ? " ok" : " NOT ok");
      for (String field : new String[] {"value", "state", "status", "latencyMs", "error"}) {
        if (reading.hasNonNull(field)) {
          out.append(' ').append(field).append('=').append(reading.get(field).asText());
        }
      }
    }
    append(out, "verdict", data.path("verdict").asText(""));
    String detail = data.path("detail").asText("");
    if (!detail.isEmpty()) {
      out.append(" — ").append(detail);
    }
    return out.toString();
  }

  private static void append(StringBuilder out, String label, String value) {
    if (!value.isEmpty()) {
      out.append(' ').append(label).append('=').append(value);
    }
  }

  private static String pad(String value, int width) {
    return value.length() >= width ? value : value + " ".repeat(width - value.length());
  }
}
