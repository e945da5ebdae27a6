package io.faultline.events.validation;

import java.util.Objects;

/**
 * One broken rule of the contract.
 *
 * @param path JSON path of the offending value, e.g. {@code $.parameters.PROCESS_IDS}; {@code $}
 *     for the whole event
 * @param rule the rule that failed, a stable keyword such as {@code required}, {@code pattern},
 *     {@code maximum}, {@code oneOf}, {@code enum}, {@code type}, {@code maxBytes}
 * @param message a sentence a person can act on
 */
public record Violation(String path, String rule, String message) {
  public Violation {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return path + " [" + rule + "] " + message;
  }
}
