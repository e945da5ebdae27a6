package io.faultline.executor.fault;

/**
 * An account could not be reached or refused a call, after the transport's own retries. The message
 * never contains credentials or the external id.
 */
public class TransportException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TransportException(String message, Throwable cause) {
    super(message, cause);
  }

  public TransportException(String message) {
    super(message);
  }
}
