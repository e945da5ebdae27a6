package io.faultline.events.access;

import java.util.List;

/**
 * What one kind of Kafka client may do: a Faultline service, or a platform that publishes requests.
 *
 * @param name the role, e.g. {@code policy-service} or {@code publisher}
 * @param defaultPrincipal the principal the deployment files give it ({@code User:<name>})
 * @param grants every allowed operation; nothing else is allowed
 */
public record KafkaRole(String name, String defaultPrincipal, List<KafkaGrant> grants) {
  public KafkaRole {
    grants = List.copyOf(grants);
  }
}
