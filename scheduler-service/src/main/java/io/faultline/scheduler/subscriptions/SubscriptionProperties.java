package io.faultline.scheduler.subscriptions;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The per-tenant lifecycle topics ({@code faultline.subscriptions.*}).
 *
 * @param enabled copy each registered tenant's lifecycle events to its own topic
 * @param replicationFactor of the topics the fan-out creates; -1 takes the broker's default
 */
@ConfigurationProperties("faultline.subscriptions")
public record SubscriptionProperties(
    @DefaultValue("true") boolean enabled, @DefaultValue("-1") short replicationFactor) {}
