package io.faultline.executor.probe.promql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * Reads an instant query's answer (Prometheus HTTP API, {@code /api/v1/query}): the first sample of
 * a vector, or a scalar. Anything else is a problem saying what was found; never the body.
 */
final class PromqlAnswer {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_ERROR = 200;

  private PromqlAnswer() {}

  /** What one answer says: a finite sample, or why there is none. */
  sealed interface Sample {
    record Value(double value) implements Sample {}

    record Problem(String error) implements Sample {}
  }

  static Sample read(int status, String body, boolean truncated) {
    if (truncated) {
      return new Sample.Problem("answer larger than 64 KiB; not read");
    }
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      root = null;
    }
    if (root == null || !root.isObject()) {
      return new Sample.Problem("HTTP " + status + ", not a Prometheus API answer");
    }
    if (!"success".equals(root.path("status").asText())) {
      String type = root.path("errorType").asText("");
      String error = root.path("error").asText("");
      return new Sample.Problem(
          bounded(
              "HTTP "
                  + status
                  + ", query failed"
                  + (type.isEmpty() ? "" : " (" + type + ")")
                  + (error.isEmpty() ? "" : ": " + error)));
    }
    JsonNode data = root.path("data");
    String type = data.path("resultType").asText("");
    JsonNode result = data.path("result");
    return switch (type) {
      case "vector" ->
          result.isArray() && !result.isEmpty()
              ? sample(result.get(0).path("value"))
              : new Sample.Problem("no sample");
      case "scalar" -> sample(result);
      default ->
          new Sample.Problem(
              "the query returns "
                  + (type.isEmpty() ? "no result type" : "a " + bounded(type))
                  + "; an instant vector or a scalar is expected");
    };
  }

  /** {@code [<unix time>, "<value>"]}. */
  private static Sample sample(JsonNode pair) {
    if (!pair.isArray() || pair.size() != 2 || !pair.get(1).isTextual()) {
      return new Sample.Problem("malformed sample");
    }
    String text = pair.get(1).asText();
    double value;
    try {
      // Prometheus writes infinities as +Inf / -Inf, which Java does not parse.
      value =
          switch (text) {
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
          };
    } catch (NumberFormatException e) {
      return new Sample.Problem("malformed sample");
    }
    if (!Double.isFinite(value)) {
      // NaN and ±Inf compare with nothing, and JSON has no way to carry them.
      return new Sample.Problem("sample is " + text + ", not a finite number");
    }
    return new Sample.Value(value);
  }

  private static String bounded(String text) {
    return text.length() <= MAX_ERROR ? text : text.substring(0, MAX_ERROR - 3) + "...";
  }
}
