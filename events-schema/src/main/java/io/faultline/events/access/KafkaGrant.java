package io.faultline.events.access;

import java.util.Objects;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * One allowed operation on one Kafka resource (a topic, consumer group, transactional id or the
 * cluster), by literal name or by name prefix.
 */
public record KafkaGrant(
    ResourceType resource, String name, PatternType pattern, AclOperation operation) {
  public KafkaGrant {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(pattern, "pattern");
    Objects.requireNonNull(operation, "operation");
  }

  /** The ACL that allows this for {@code principal} (e.g. {@code User:faultline-executor}). */
  public AclBinding toBinding(String principal) {
    return new AclBinding(
        new ResourcePattern(resource, name, pattern),
        new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
  }
}
