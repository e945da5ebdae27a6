package io.faultline.executor.probe.egress;

/** A probe URL the egress rules do not let out; the message says which rule and never a body. */
public final class EgressRefused extends RuntimeException {
  EgressRefused(String message) {
    super("egress refused: " + message);
  }
}
