package io.faultline.executor.probe;

/**
 * A probe could not be read for a reason the probe itself found (an unregistered account, a host
 * not allowed): the registry turns it into a failing reading carrying the message.
 */
public class ProbeUnreadable extends RuntimeException {
  public ProbeUnreadable(String message) {
    super(message);
  }
}
