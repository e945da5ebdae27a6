package io.faultline.events.catalogue;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A fault's tunables after validation against the catalogue: every value is canonical (integers
 * without sign or leading zeros, booleans lower-case) and defaults are filled in. Build it only
 * through {@link FaultCatalogue#validate}; a value that is here has passed its tunable's rule.
 */
public final class FaultParameters {
  private final Map<String, String> values;

  FaultParameters(Map<String, String> values) {
    this.values = Collections.unmodifiableSortedMap(new TreeMap<>(values));
  }

  /** Every tunable with its canonical value (JSON form: an object of strings). */
  @JsonValue
  public Map<String, String> asMap() {
    return values;
  }

  public Optional<String> text(String name) {
    String value = values.get(name);
    return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
  }

  public String required(String name) {
    return text(name)
        .orElseThrow(() -> new IllegalStateException("tunable " + name + " is not set"));
  }

  public int integer(String name) {
    return Integer.parseInt(required(name));
  }

  public boolean flag(String name) {
    return Boolean.parseBoolean(required(name));
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof FaultParameters p && p.values.equals(values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
