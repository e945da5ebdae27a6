package io.faultline.scheduler.web;

/** The tenant has no such resource; answered 404. */
public class NotFoundException extends RuntimeException {
  public NotFoundException(String message) {
    super(message);
  }
}
