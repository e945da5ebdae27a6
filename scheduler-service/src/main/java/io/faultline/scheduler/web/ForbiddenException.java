package io.faultline.scheduler.web;

/** The caller may not act on this resource (another tenant's, or a missing role); 403. */
public class ForbiddenException extends RuntimeException {
  public ForbiddenException(String message) {
    super(message);
  }
}
