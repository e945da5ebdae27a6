package io.faultline.scheduler.subscriptions;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The per-tenant lifecycle topics ({@code faultline.subscriptions.*}).
 *
 * @param enabled copy each registered tenant's lifecycle events to its own topic
 * @param replicationFactor of the topics the fan-out creates: -1 takes the broker's default,
 *     otherwise at least 1
 */
@ConfigurationProperties("faultline.subscriptions")
@Validated
public record SubscriptionProperties(
    @DefaultValue("true") boolean enabled, @DefaultValue("-1") short replicationFactor) {
  public SubscriptionProperties {
    // -1 or >= 1: one rule no single Jakarta constraint states, so checked here.
    if (replicationFactor == 0 || replicationFactor < -1) {
      throw new IllegalArgumentException(
          "faultline.subscriptions.replication-factor must be -1 (the broker's default) or at"
              + " least 1 (was "
              + replicationFactor
              + ")");
    }
  }
}
