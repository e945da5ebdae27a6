package io.faultline.events.probe;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One reading of a probe, bounded: a number, a state, or a status code and latency, and an error
 * when it could not be read — never a response body. Text is cut to its bound on construction, so
 * an unexpected long error message cannot make an event invalid.
 *
 * @param ok whether the reading is healthy (an unreadable probe is never ok: fail safe)
 * @param value a metric or query value
 * @param state e.g. an alarm state ({@code OK}, {@code ALARM}, {@code INSUFFICIENT_DATA})
 * @param status an HTTP status code
 * @param latencyMs how long the read took
 * @param error why the probe could not be read, or why the reading fails
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProbeReading(
    boolean ok, Double value, String state, Integer status, Long latencyMs, String error) {
  public static final int MAX_STATE = 64;
  public static final int MAX_ERROR = 256;

  public ProbeReading {
    state = cut(state, MAX_STATE);
    error = cut(error, MAX_ERROR);
    if (value != null && !Double.isFinite(value)) {
      throw new IllegalArgumentException("value must be finite, got " + value);
    }
  }

  /** A state reading, e.g. an alarm's. */
  public static ProbeReading ofState(boolean ok, String state) {
    return new ProbeReading(ok, null, state, null, null, null);
  }

  /** The probe could not be read: a failing reading (ADR 0010, fail safe). */
  public static ProbeReading unreadable(String error) {
    return new ProbeReading(false, null, null, null, null, error == null ? "unreadable" : error);
  }

  /** A short description for logs, reasons and details, e.g. {@code state=ALARM}. */
  public String describe() {
    StringBuilder text = new StringBuilder(ok ? "ok" : "failing");
    if (state != null) {
      text.append(" state=").append(state);
    }
    if (value != null) {
      text.append(" value=").append(value);
    }
    if (status != null) {
      text.append(" status=").append(status);
    }
    if (latencyMs != null) {
      text.append(" latencyMs=").append(latencyMs);
    }
    if (error != null) {
      text.append(" error=").append(error);
    }
    return text.toString();
  }

  static String cut(String text, int max) {
    return text == null || text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }
}
