package io.faultline.scheduler.web;

import java.time.Duration;
import org.springframework.http.HttpStatus;

/**
 * A bound of the platform would be exceeded. Answered as problem+json naming the bound ({@code
 * errors: [{field, rule, message}]}, {@code limit}): 409 when the tenant's own state is at the
 * bound (it must remove something first), 429 with {@code Retry-After} when capacity is taken for
 * now and a later retry may pass.
 */
public class LimitExceededException extends RuntimeException {
  private final HttpStatus status;
  private final transient FieldViolation violation;
  private final long limit;
  private final transient Duration retryAfter;

  private LimitExceededException(
      HttpStatus status, FieldViolation violation, long limit, Duration retryAfter) {
    super(violation.message());
    this.status = status;
    this.violation = violation;
    this.limit = limit;
    this.retryAfter = retryAfter;
  }

  /**
   * The tenant holds as many as it may (409, like a duplicate): retrying changes nothing until the
   * tenant removes one.
   */
  public static LimitExceededException atLimit(
      String field, String rule, long limit, String message) {
    return new LimitExceededException(
        HttpStatus.CONFLICT, new FieldViolation(field, rule, message), limit, null);
  }

  /** Capacity in use right now (429): a retry after {@code retryAfter} may pass. */
  public static LimitExceededException tooMany(
      String field, String rule, long limit, String message, Duration retryAfter) {
    return new LimitExceededException(
        HttpStatus.TOO_MANY_REQUESTS, new FieldViolation(field, rule, message), limit, retryAfter);
  }

  HttpStatus status() {
    return status;
  }

  FieldViolation violation() {
    return violation;
  }

  long limit() {
    return limit;
  }

  /** Null for 409. */
  Duration retryAfter() {
    return retryAfter;
  }
}
