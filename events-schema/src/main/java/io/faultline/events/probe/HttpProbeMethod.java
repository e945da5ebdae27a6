package io.faultline.events.probe;

/** The HTTP methods a probe may use: reads only, never a method that changes the target. */
public enum HttpProbeMethod {
  GET,
  HEAD
}
