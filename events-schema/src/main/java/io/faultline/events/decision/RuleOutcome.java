package io.faultline.events.decision;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * One admission rule as evaluated for one request.
 *
 * @param rule the rule's name, e.g. {@code protected-targets}
 * @param passed whether the request satisfied it
 * @param code the reason code when it did not pass
 * @param message what was checked, or why it failed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RuleOutcome(String rule, boolean passed, RuleCode code, String message) {
  public RuleOutcome {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(message, "message");
    if (!passed && code == null) {
      throw new IllegalArgumentException("a failed rule needs a reason code");
    }
  }

  public static RuleOutcome pass(String rule, String message) {
    return new RuleOutcome(rule, true, null, message);
  }

  public static RuleOutcome fail(String rule, RuleCode code, String message) {
    return new RuleOutcome(rule, false, code, message);
  }
}
