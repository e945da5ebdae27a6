package io.faultline.events.policy;

import java.util.List;
import java.util.Objects;

/**
 * Matches a resource tag: {@code key} equal, and the value one of {@code values} (any value when
 * {@code values} is empty). E.g. {@code chaos:protected=[true]} or {@code data-classification=[pci,
 * phi]}.
 */
public record TagRule(String key, List<String> values) {
  public TagRule {
    Objects.requireNonNull(key, "key");
    values = values == null ? List.of() : List.copyOf(values);
  }

  public boolean matches(String tagKey, String tagValue) {
    return key.equals(tagKey) && (values.isEmpty() || values.contains(tagValue));
  }
}
