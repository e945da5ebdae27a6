package io.faultline.cli.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * An error answer of the platform: RFC 9457 problem+json when it sent one ({@code title}, {@code
 * detail}, {@code errors: [{field, rule, message}]}), else the status and a bounded excerpt of the
 * body.
 */
public record Problem(int status, String title, String detail, List<FieldError> errors) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int EXCERPT = 300;

  /** One invalid field: its path in the request, the rule it broke, and why. */
  public record FieldError(String field, String rule, String message) {}

  public Problem {
    errors = List.copyOf(errors);
  }

  /** Reads an error answer; a body that is not problem+json is kept as an excerpt. */
  public static Problem of(int status, String body) {
    String text = body == null ? "" : body.strip();
    if (text.startsWith("{")) {
      try {
        JsonNode node = JSON.readTree(text);
        List<FieldError> errors = new ArrayList<>();
        for (JsonNode e : node.path("errors")) {
          errors.add(
              new FieldError(
                  e.path("field").asText(""),
                  e.path("rule").asText(""),
                  e.path("message").asText("")));
        }
        String title = node.path("title").asText(node.path("error").asText(""));
        String detail = node.path("detail").asText(node.path("message").asText(""));
        return new Problem(status, title, detail, errors);
      } catch (java.io.IOException notJson) {
        // Fall through: shown as text.
      }
    }
    String excerpt = text.length() > EXCERPT ? text.substring(0, EXCERPT) + "…" : text;
    return new Problem(status, "", excerpt, List.of());
  }

  /** What a person reads: {@code 404 Not found: no experiment x}, then one line per field. */
  public String describe() {
    StringBuilder out = new StringBuilder().append(status);
    if (!title.isEmpty()) {
      out.append(' ').append(title);
    }
    if (!detail.isEmpty()) {
      out.append(": ").append(detail);
    }
    for (FieldError e : errors) {
      out.append(System.lineSeparator())
          .append("  ")
          .append(e.field())
          .append(" [")
          .append(e.rule())
          .append("] ")
          .append(e.message());
    }
    return out.toString();
  }
}
