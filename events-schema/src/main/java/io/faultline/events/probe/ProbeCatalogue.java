package io.faultline.events.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.faultline.events.validation.ContractViolationException;
import io.faultline.events.validation.JsonSchemas;
import io.faultline.events.validation.Violation;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * The probe types and their rules: one JSON Schema per type (under {@code schemas/probes/}) plus
 * the rules a schema cannot state (a URL that parses and carries no credentials, a body pattern
 * that compiles, a latency bound within the timeout). Every violation names its field as {@code
 * $.<field>} and a stable rule keyword, like the fault catalogue's tunables.
 */
public final class ProbeCatalogue {
  private static final ProbeCatalogue STANDARD = new ProbeCatalogue();
  // Jackson 2 as in the rest of the contract; only for turning a Map into a tree.
  private static final ObjectMapper TREES = new ObjectMapper();

  private ProbeCatalogue() {}

  public static ProbeCatalogue standard() {
    return STANDARD;
  }

  /**
   * Validates one probe's JSON and returns it canonical (defaults applied).
   *
   * @throws ContractViolationException naming every broken rule, paths {@code $.<field>}
   */
  public ProbeDefinition validate(JsonNode json) {
    List<Violation> violations = new ArrayList<>();
    ProbeDefinition definition = validate(json, "$", violations);
    if (definition == null) {
      throw new ContractViolationException(violations);
    }
    return definition;
  }

  /** As {@link #validate(JsonNode)} for a parsed map (what a REST layer or Jackson hands over). */
  public ProbeDefinition validate(Map<String, ?> json) {
    JsonNode tree = TREES.valueToTree(json == null ? Map.of() : json);
    return validate(tree);
  }

  /**
   * As {@link #validate(JsonNode)}, adding violations to a list with paths under {@code at} (e.g.
   * {@code $.stopConditions[0]}); null when any were found.
   */
  public ProbeDefinition validate(JsonNode json, String at, List<Violation> violations) {
    if (json == null || !json.isObject()) {
      violations.add(new Violation(at, "type", "a probe is a JSON object"));
      return null;
    }
    JsonNode typeNode = json.get("type");
    if (typeNode == null || typeNode.isNull()) {
      violations.add(
          new Violation(at + ".type", "required", "type is required; one of " + typeNames()));
      return null;
    }
    var type = ProbeType.find(typeNode.isTextual() ? typeNode.asText() : null);
    if (type.isEmpty()) {
      violations.add(
          new Violation(
              at + ".type",
              "knownProbeType",
              "unknown probe type " + typeNode + "; known types: " + typeNames()));
      return null;
    }
    int before = violations.size();
    for (Violation v : JsonSchemas.validate(type.get().schemaResource(), json)) {
      violations.add(new Violation(at + v.path().substring(1), v.rule(), v.message()));
    }
    if (violations.size() > before) {
      return null;
    }
    checkBeyondSchema(type.get(), json, at, violations);
    if (violations.size() > before) {
      return null;
    }
    ProbeSettings settings =
        switch (type.get()) {
          case CLOUDWATCH_ALARM -> CloudWatchAlarmSettings.read(json);
          case CLOUDWATCH_METRIC -> CloudWatchMetricSettings.read(json);
          case HTTP -> HttpSettings.read(json);
          case PROMQL -> PromQlSettings.read(json);
        };
    return new ProbeDefinition(
        json.get("name").asText(),
        type.get(),
        json.hasNonNull("intervalSeconds")
            ? json.get("intervalSeconds").asInt()
            : ProbeDefinition.DEFAULT_INTERVAL_SECONDS,
        json.hasNonNull("tolerance")
            ? json.get("tolerance").asInt()
            : ProbeDefinition.DEFAULT_TOLERANCE,
        settings);
  }

  private static void checkBeyondSchema(
      ProbeType type, JsonNode json, String at, List<Violation> violations) {
    switch (type) {
      case HTTP -> {
        checkUrl(json.get("url").asText(), at + ".url", "url", violations);
        if (json.hasNonNull("bodyMatches")) {
          try {
            java.util.regex.Pattern.compile(json.get("bodyMatches").asText());
          } catch (PatternSyntaxException e) {
            violations.add(
                new Violation(
                    at + ".bodyMatches",
                    "regex",
                    "bodyMatches is not a valid regular expression: " + e.getDescription()));
          }
        }
        int timeout =
            json.hasNonNull("timeoutMs")
                ? json.get("timeoutMs").asInt()
                : HttpSettings.MAX_TIMEOUT_MS;
        if (json.hasNonNull("maxLatencyMs") && json.get("maxLatencyMs").asInt() > timeout) {
          violations.add(
              new Violation(
                  at + ".maxLatencyMs",
                  "withinTimeout",
                  "maxLatencyMs "
                      + json.get("maxLatencyMs").asInt()
                      + " exceeds timeoutMs "
                      + timeout
                      + ": such a reading could never pass"));
        }
      }
      case PROMQL ->
          checkUrl(json.get("endpoint").asText(), at + ".endpoint", "endpoint", violations);
      case CLOUDWATCH_ALARM, CLOUDWATCH_METRIC -> {}
    }
  }

  private static void checkUrl(
      String value, String path, String field, List<Violation> violations) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      violations.add(new Violation(path, "url", field + " is not a valid URL: " + e.getReason()));
      return;
    }
    String scheme =
        uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      violations.add(new Violation(path, "url", field + " must be an http or https URL"));
    } else if (uri.getHost() == null || uri.getHost().isEmpty()) {
      violations.add(new Violation(path, "url", field + " must name a host"));
    } else if (uri.getRawUserInfo() != null) {
      // Credentials in a URL would travel in events and logs; probes never carry any.
      violations.add(new Violation(path, "noCredentials", field + " must not carry credentials"));
    }
  }

  private static String typeNames() {
    return Arrays.stream(ProbeType.values())
        .map(ProbeType::wireName)
        .collect(Collectors.joining(", "));
  }
}
