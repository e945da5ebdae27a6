package io.faultline.scheduler.state;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import io.faultline.events.probe.ProbeCatalogue;
import io.faultline.events.probe.ProbeDefinition;
import java.io.IOException;

/**
 * Reads a stored probe definition. A {@code {kind, value}} stop condition stored before probes
 * existed reads as null (its experiment drops it): it was shown but never evaluated, and it cannot
 * become a probe without the fields a probe needs.
 */
final class StoredProbe extends JsonDeserializer<ProbeDefinition> {
  @Override
  public ProbeDefinition deserialize(JsonParser parser, DeserializationContext context)
      throws IOException {
    JsonNode json = parser.readValueAsTree();
    if (json == null || !json.isObject() || (!json.has("type") && json.has("kind"))) {
      return null;
    }
    return ProbeCatalogue.standard().validate(json);
  }
}
