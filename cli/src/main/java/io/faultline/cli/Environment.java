package io.faultline.cli;

import java.util.Map;
import java.util.Optional;

/**
 * The process environment as the commands see it: passed in, so tests give their own without
 * touching the real one.
 */
public record Environment(Map<String, String> variables) {
  public Environment {
    variables = Map.copyOf(variables);
  }

  public static Environment system() {
    return new Environment(System.getenv());
  }

  /** A variable's value; empty when unset or blank. */
  public Optional<String> get(String name) {
    String value = variables.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
  }
}
