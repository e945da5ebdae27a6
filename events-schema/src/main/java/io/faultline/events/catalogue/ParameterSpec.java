package io.faultline.events.catalogue;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One tunable of a fault type: its name, type, default, bounds and allowed pattern.
 *
 * @param name the tunable's name as in the fault's public documentation, e.g. {@code PROCESS_IDS}
 * @param type the wire type
 * @param defaultValue canonical default, or {@code null} when the tunable has none
 * @param min inclusive lower bound for {@link ParameterType#INTEGER}
 * @param max inclusive upper bound for {@link ParameterType#INTEGER}
 * @param allowedPattern full-match regular expression for {@link ParameterType#STRING}
 * @param allowedValues the values of an {@link ParameterType#ENUM}
 * @param required whether a request must set it
 * @param reachesHost whether the value is handed to a script on the target host; such tunables
 *     always have a strict pattern, enum or integer type
 * @param description what it does, from the fault's documentation
 */
public record ParameterSpec(
    String name,
    ParameterType type,
    String defaultValue,
    Long min,
    Long max,
    String allowedPattern,
    List<String> allowedValues,
    boolean required,
    boolean reachesHost,
    String description) {

  public ParameterSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(description, "description");
    allowedValues = allowedValues == null ? List.of() : List.copyOf(allowedValues);
    if (type == ParameterType.STRING && allowedPattern == null) {
      throw new IllegalArgumentException(name + ": a string tunable needs an allowed pattern");
    }
    if (type == ParameterType.INTEGER && (min == null || max == null)) {
      throw new IllegalArgumentException(name + ": an integer tunable needs bounds");
    }
    if (type == ParameterType.ENUM && allowedValues.isEmpty()) {
      throw new IllegalArgumentException(name + ": an enum tunable needs allowed values");
    }
    if (allowedPattern != null) {
      Pattern.compile(allowedPattern);
    }
  }

  public Optional<String> defaultIfAny() {
    return Optional.ofNullable(defaultValue);
  }

  static ParameterSpec integer(
      String name, long defaultValue, long min, long max, boolean reachesHost, String description) {
    return new ParameterSpec(
        name,
        ParameterType.INTEGER,
        Long.toString(defaultValue),
        min,
        max,
        null,
        null,
        false,
        reachesHost,
        description);
  }

  static ParameterSpec bool(String name, boolean defaultValue, String description) {
    return new ParameterSpec(
        name,
        ParameterType.BOOLEAN,
        Boolean.toString(defaultValue),
        null,
        null,
        null,
        null,
        false,
        true,
        description);
  }

  static ParameterSpec oneOf(
      String name, String defaultValue, List<String> values, String description) {
    return new ParameterSpec(
        name, ParameterType.ENUM, defaultValue, null, null, null, values, false, true, description);
  }

  static ParameterSpec text(
      String name,
      String defaultValue,
      String pattern,
      boolean required,
      boolean reachesHost,
      String description) {
    return new ParameterSpec(
        name,
        ParameterType.STRING,
        defaultValue,
        null,
        null,
        pattern,
        null,
        required,
        reachesHost,
        description);
  }
}
