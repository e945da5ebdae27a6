package io.faultline.events.cloudevents;

/**
 * CloudEvents Kafka content modes. Faultline produces {@link #BINARY} (attributes in {@code ce_*}
 * headers, the data as the record value) and accepts both.
 */
public enum ContentMode {
  BINARY,
  /** The whole event as {@code application/cloudevents+json} in the record value. */
  STRUCTURED
}
