package io.faultline.events.catalogue;

import java.util.List;
import java.util.Objects;

/**
 * A rule spanning several tunables of one fault type, beyond {@link FaultTypeSpec#exactlyOneOf()}
 * and {@link FaultTypeSpec#onlyWith()}. Each rule reports a violation under its own keyword.
 */
public sealed interface TunableRule {

  /**
   * At least one of {@code names} must be set (rule {@code atLeastOneOf}).
   *
   * @param why why none may be left out, appended to the violation's message
   */
  record AtLeastOneOf(List<String> names, String why) implements TunableRule {
    public AtLeastOneOf {
      names = List.copyOf(names);
      Objects.requireNonNull(why, "why");
      if (names.size() < 2) {
        throw new IllegalArgumentException("atLeastOneOf needs two tunables or more");
      }
    }
  }

  /**
   * {@code name} may be set only while {@code companion}'s value (given or default) is one of
   * {@code values} (rule {@code onlyWithValue}).
   */
  record OnlyWithValue(String name, String companion, List<String> values) implements TunableRule {
    public OnlyWithValue {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(companion, "companion");
      values = List.copyOf(values);
    }
  }
}
