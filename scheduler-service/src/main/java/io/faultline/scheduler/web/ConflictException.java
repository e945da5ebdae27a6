package io.faultline.scheduler.web;

/** The resource changed between the caller's read and its write; 409. */
public class ConflictException extends RuntimeException {
  public ConflictException(String message) {
    super(message);
  }
}
