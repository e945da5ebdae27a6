package io.faultline.executor.fault;

import java.util.Map;
import java.util.Objects;

/**
 * One resolved target: an EC2 instance (also when reached through an ECS cluster).
 *
 * @param id the EC2 instance id the command is sent to
 * @param kind {@code ec2-instance} or {@code ecs-container-instance} (lifecycle vocabulary)
 * @param tags the instance's tags, for the protected-target guard
 * @param note where it came from, e.g. the container instance ARN; may be empty
 */
public record Target(String id, String kind, Map<String, String> tags, String note) {
  public static final String EC2_INSTANCE = "ec2-instance";
  public static final String ECS_CONTAINER_INSTANCE = "ecs-container-instance";
  public static final String ECS_CLUSTER = "ecs-cluster";

  public Target {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    tags = tags == null ? Map.of() : Map.copyOf(tags);
    note = note == null ? "" : note;
  }
}
