package io.faultline.events.lifecycle;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * One target and what happened to it.
 *
 * @param targetId an EC2 instance id, or an ECS cluster name
 * @param kind {@code ec2-instance}, {@code ecs-cluster} or {@code ecs-container-instance}
 * @param ssmCommandId the SSM command that acted on it, when known
 * @param detail why it was excluded or skipped, or per-PID results and errors
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TargetOutcome(
    String targetId, String kind, TargetStatus status, String ssmCommandId, String detail) {
  public TargetOutcome {
    Objects.requireNonNull(targetId, "targetId");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(status, "status");
  }
}
