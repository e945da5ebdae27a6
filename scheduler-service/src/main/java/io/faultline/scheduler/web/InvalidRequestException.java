package io.faultline.scheduler.web;

import java.util.List;

/** A request body or parameter broke at least one rule; answered 400 with every violation. */
public class InvalidRequestException extends RuntimeException {
  private final transient List<FieldViolation> violations;

  public InvalidRequestException(List<FieldViolation> violations) {
    super(violations.toString());
    this.violations = List.copyOf(violations);
  }

  public InvalidRequestException(String field, String rule, String message) {
    this(List.of(new FieldViolation(field, rule, message)));
  }

  public List<FieldViolation> violations() {
    return violations;
  }
}
