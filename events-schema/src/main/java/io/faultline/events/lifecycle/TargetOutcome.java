package io.faultline.events.lifecycle;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/**
 * One target and what happened to it.
 *
 * @param targetId an EC2 instance id, or an ECS cluster name
 * @param kind {@code ec2-instance}, {@code ecs-cluster} or {@code ecs-container-instance}
 * @param ssmCommandId the SSM command that acted on it, when known
 * @param detail why it was excluded or skipped, or the script's results and errors other than
 *     per-process ones
 * @param processes what a process fault did to each process on the target, at most {@link
 *     #MAX_PROCESSES} (ADR 0011); empty for other faults, and then absent from the JSON
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TargetOutcome(
    String targetId,
    String kind,
    TargetStatus status,
    String ssmCommandId,
    String detail,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ProcessOutcome> processes) {
  /** The most processes one target reports: a process fault signals at most 50 per host. */
  public static final int MAX_PROCESSES = 50;

  public TargetOutcome {
    Objects.requireNonNull(targetId, "targetId");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(status, "status");
    processes = processes == null ? List.of() : List.copyOf(processes);
    if (processes.size() > MAX_PROCESSES) {
      throw new IllegalArgumentException(
          "a target reports at most " + MAX_PROCESSES + " processes, got " + processes.size());
    }
  }

  /** A target without per-process results. */
  public TargetOutcome(
      String targetId, String kind, TargetStatus status, String ssmCommandId, String detail) {
    this(targetId, kind, status, ssmCommandId, detail, List.of());
  }
}
