package io.faultline.events.cloudevents;

import io.faultline.events.validation.ContractViolationException;
import io.faultline.events.validation.Violation;
import java.util.List;

/** One-violation refusals and the first line of a parser's message, as the codec reports them. */
final class Refusals {
  private Refusals() {}

  static ContractViolationException violation(String path, String rule, String message) {
    return new ContractViolationException(List.of(new Violation(path, rule, message)));
  }

  static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
