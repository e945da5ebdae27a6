package io.faultline.events.probe;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An HTTP request to {@code url}; healthy when the status is {@code expectStatus}, the answer came
 * within {@code maxLatencyMs} (when set) and the body matches {@code bodyMatches} (when set). Only
 * hosts on the operator's allow-list are called (ADR 0010).
 *
 * @param maxLatencyMs null when latency is not judged
 * @param bodyMatches a regular expression (at most 200 characters) found in the body, or null
 */
public record HttpSettings(
    URI url,
    HttpProbeMethod method,
    int expectStatus,
    Integer maxLatencyMs,
    String bodyMatches,
    int timeoutMs)
    implements ProbeSettings {
  public static final int DEFAULT_EXPECT_STATUS = 200;
  public static final int MAX_TIMEOUT_MS = 5000;

  public HttpSettings {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(method, "method");
    if (timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
      throw new IllegalArgumentException("timeoutMs must be 1.." + MAX_TIMEOUT_MS);
    }
  }

  /** {@link #bodyMatches} compiled, or null. */
  public Pattern bodyPattern() {
    return bodyMatches == null ? null : Pattern.compile(bodyMatches);
  }

  @Override
  public ProbeType type() {
    return ProbeType.HTTP;
  }

  @Override
  public Map<String, Object> fields() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("url", url.toString());
    fields.put("method", method.name());
    fields.put("expectStatus", expectStatus);
    if (maxLatencyMs != null) {
      fields.put("maxLatencyMs", maxLatencyMs);
    }
    if (bodyMatches != null) {
      fields.put("bodyMatches", bodyMatches);
    }
    fields.put("timeoutMs", timeoutMs);
    return fields;
  }

  /** Reads schema-valid JSON whose url and bodyMatches were checked; applies defaults. */
  static HttpSettings read(JsonNode json) {
    return new HttpSettings(
        URI.create(json.get("url").asText()),
        json.hasNonNull("method")
            ? HttpProbeMethod.valueOf(json.get("method").asText())
            : HttpProbeMethod.GET,
        json.hasNonNull("expectStatus") ? json.get("expectStatus").asInt() : DEFAULT_EXPECT_STATUS,
        json.hasNonNull("maxLatencyMs") ? json.get("maxLatencyMs").asInt() : null,
        json.hasNonNull("bodyMatches") ? json.get("bodyMatches").asText() : null,
        json.hasNonNull("timeoutMs") ? json.get("timeoutMs").asInt() : MAX_TIMEOUT_MS);
  }
}
