package io.faultline.events.topics;

/** Kafka's {@code cleanup.policy}. */
public enum CleanupPolicy {
  DELETE("delete"),
  COMPACT("compact");

  private final String config;

  CleanupPolicy(String config) {
    this.config = config;
  }

  public String config() {
    return config;
  }
}
