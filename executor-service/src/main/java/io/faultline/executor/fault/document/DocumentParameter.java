package io.faultline.executor.fault.document;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * One typed parameter of an {@link SsmDocument}, as declared in its YAML. Every parameter carries
 * an {@code allowedPattern}, {@code allowedValues}, or both, because its value is substituted
 * verbatim into a shell script on a host.
 *
 * @param name the parameter name, referenced as {@code {{ Name }}} in the document's commands
 * @param type the SSM parameter type (always {@code String} in Faultline's documents)
 * @param defaultValue the default, or {@code null} when the parameter is required
 * @param allowedPattern a regular expression the whole value must match, or {@code null}
 * @param allowedValues the exhaustive list of accepted values, empty when not restricted
 * @param description human-readable description from the document
 */
public record DocumentParameter(
    String name,
    String type,
    String defaultValue,
    String allowedPattern,
    List<String> allowedValues,
    String description) {

  // A handful of patterns, validated for every command an executor sends: compile each once.
  private static final Map<String, Pattern> COMPILED = new ConcurrentHashMap<>();

  public DocumentParameter {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    allowedValues = allowedValues == null ? List.of() : List.copyOf(allowedValues);
    description = description == null ? "" : description;
    if (allowedPattern == null && allowedValues.isEmpty()) {
      throw new IllegalArgumentException(
          "parameter '" + name + "' declares neither allowedPattern nor allowedValues");
    }
    if (allowedPattern != null) {
      COMPILED.computeIfAbsent(allowedPattern, Pattern::compile);
    }
  }

  /** Whether the parameter has no default and must be supplied. */
  public boolean required() {
    return defaultValue == null;
  }

  /**
   * Checks one value against this parameter's rules.
   *
   * @throws IllegalArgumentException naming the parameter and the rule it breaks
   */
  void check(String value) {
    if (value == null) {
      throw new IllegalArgumentException("parameter '" + name + "' has no value");
    }
    if (!allowedValues.isEmpty() && !allowedValues.contains(value)) {
      throw new IllegalArgumentException(
          "parameter '" + name + "' must be one of " + allowedValues + " (allowedValues)");
    }
    // matches() anchors the whole input, so a trailing newline never slips past a '$'.
    if (allowedPattern != null
        && !COMPILED.computeIfAbsent(allowedPattern, Pattern::compile).matcher(value).matches()) {
      throw new IllegalArgumentException(
          "parameter '" + name + "' does not match allowedPattern " + allowedPattern);
    }
  }
}
