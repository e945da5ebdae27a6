package io.faultline.events.probe;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A PromQL instant query against {@code endpoint} (a Prometheus-compatible base URL on the
 * operator's allow-list); healthy when its value {@code <comparison> threshold}.
 */
public record PromQlSettings(URI endpoint, String query, Comparison comparison, double threshold)
    implements ProbeSettings {
  public PromQlSettings {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(comparison, "comparison");
  }

  @Override
  public ProbeType type() {
    return ProbeType.PROMQL;
  }

  @Override
  public Map<String, Object> fields() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("endpoint", endpoint.toString());
    fields.put("query", query);
    fields.put("comparison", comparison.symbol());
    fields.put("threshold", threshold);
    return fields;
  }

  /** Reads schema-valid JSON whose endpoint was checked. */
  static PromQlSettings read(JsonNode json) {
    return new PromQlSettings(
        URI.create(json.get("endpoint").asText()),
        json.get("query").asText(),
        Comparison.ofSymbol(json.get("comparison").asText()),
        json.get("threshold").asDouble());
  }
}
