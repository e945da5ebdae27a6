package io.faultline.events.validation;

import java.util.List;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Thrown when an event does not honour the contract. Carries every violation found, not only the
 * first, so a publisher can fix its message in one round.
 *
 * <p>It extends Kafka's {@link SerializationException} so Kafka clients, Spring Kafka and Kafka
 * Streams treat it as a deserialization failure (dead-letter, not retry).
 */
public class ContractViolationException extends SerializationException {
  private final List<Violation> violations;

  public ContractViolationException(List<Violation> violations) {
    super(summary(violations));
    this.violations = List.copyOf(violations);
  }

  public List<Violation> violations() {
    return violations;
  }

  /** True if some violation names this path and rule. */
  public boolean has(String path, String rule) {
    return violations.stream().anyMatch(v -> v.path().equals(path) && v.rule().equals(rule));
  }

  private static String summary(List<Violation> violations) {
    if (violations.isEmpty()) {
      throw new IllegalArgumentException("a contract violation needs at least one violation");
    }
    StringBuilder text = new StringBuilder("event violates the Faultline contract: ");
    for (int i = 0; i < violations.size(); i++) {
      if (i > 0) {
        text.append("; ");
      }
      text.append(violations.get(i));
    }
    return text.toString();
  }
}
