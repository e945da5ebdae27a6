package io.faultline.events.cloudevents;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.faultline.events.catalogue.FaultCatalogue;
import io.faultline.events.ids.FaultType;
import io.faultline.events.probe.ProbeCatalogue;
import io.faultline.events.validation.JsonSchemas;
import io.faultline.events.validation.Violation;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an event family's data must satisfy: its JSON Schema, then the rules registered for the
 * family here — the fault-type catalogue for requests and approvals, the probe catalogue for run
 * watches. A family without a registered rule is checked by its schema alone.
 */
final class DataRules {
  /** One family's rule beyond its schema; adds what it finds to {@code violations}. */
  @FunctionalInterface
  private interface Rule {
    void check(JsonNode data, List<Violation> violations);
  }

  private static final Map<EventFamily, Rule> RULES = new EnumMap<>(EventFamily.class);

  static {
    RULES.put(EventFamily.FAULT_REQUESTED, DataRules::faultParameters);
    RULES.put(EventFamily.FAULT_APPROVED, DataRules::faultParameters);
    RULES.put(EventFamily.RUN_WATCH, DataRules::probes);
  }

  private DataRules() {}

  /** Every violation of {@code data} as {@code family}'s data; empty when valid. */
  static List<Violation> validate(EventFamily family, JsonNode data) {
    List<Violation> violations =
        new ArrayList<>(JsonSchemas.validate(family.schemaResource(), data));
    Rule rule = RULES.get(family);
    if (rule != null) {
      rule.check(data, violations);
    }
    return violations;
  }

  /** The fault type's parameters against the catalogue, unless the schema already refused them. */
  private static void faultParameters(JsonNode data, List<Violation> violations) {
    boolean parametersReported =
        violations.stream()
            .anyMatch(v -> v.path().startsWith("$.parameters") || v.path().equals("$.faultType"));
    JsonNode type = data.path("faultType");
    JsonNode parameters = data.path("parameters");
    if (!parametersReported && type.isTextual() && parameters.isObject()) {
      Map<String, Object> raw = Json.mapper().convertValue(parameters, new TypeReference<>() {});
      FaultCatalogue.standard().validate(FaultType.of(type.asText()), raw, violations);
    }
  }

  /** Each probe of both lists against the probe catalogue, names unique within each list. */
  private static void probes(JsonNode data, List<Violation> violations) {
    for (String list : List.of("steadyState", "stopConditions")) {
      JsonNode probes = data.path(list);
      if (!probes.isArray()) {
        continue; // the schema reported it
      }
      Set<String> names = new HashSet<>();
      for (int i = 0; i < probes.size(); i++) {
        String path = "$." + list + "[" + i + "]";
        var probe = ProbeCatalogue.standard().validate(probes.get(i), path, violations);
        if (probe != null && !names.add(probe.name())) {
          violations.add(
              new Violation(
                  path + ".name",
                  "uniqueName",
                  "probe name '" + probe.name() + "' is used twice in " + list));
        }
      }
    }
  }
}
