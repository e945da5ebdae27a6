package io.faultline.scheduler.web;

/**
 * The resource changed between the caller's read and its write, or the request collides with state
 * it may not see (another tenant's account); 409. With a {@link FieldViolation}, the problem names
 * the field and the rule in {@code errors}.
 */
public class ConflictException extends RuntimeException {
  private final transient FieldViolation violation;

  public ConflictException(String message) {
    super(message);
    this.violation = null;
  }

  public ConflictException(FieldViolation violation) {
    super(violation.message());
    this.violation = violation;
  }

  /** The field and rule, or null for a plain conflict. */
  public FieldViolation violation() {
    return violation;
  }
}
