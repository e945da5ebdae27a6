package io.faultline.executor.probe.egress;

/**
 * An allowed request that got no usable answer (name not resolved, connect or total timeout, a
 * broken connection); the message is short and never holds a response body.
 */
public final class EgressFailed extends RuntimeException {
  EgressFailed(String message) {
    super(message);
  }
}
