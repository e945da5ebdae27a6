package io.faultline.scheduler.web;

/** State is not readable right now (Streams rebalancing, owner unreachable); 503, retry later. */
public class UnavailableException extends RuntimeException {
  public UnavailableException(String message) {
    super(message);
  }

  public UnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
