package io.faultline.events.decision;

import io.faultline.events.policy.TagRule;
import java.util.List;

/**
 * What the executor must exclude after resolving targets: instance ids, cluster names and tag
 * rules. Applied to every resolved target, whatever selector reached it.
 */
public record ProtectedTargetGuard(
    List<String> instanceIds, List<String> clusterNames, List<TagRule> tags) {
  public ProtectedTargetGuard {
    instanceIds = instanceIds == null ? List.of() : List.copyOf(instanceIds);
    clusterNames = clusterNames == null ? List.of() : List.copyOf(clusterNames);
    tags = tags == null ? List.of() : List.copyOf(tags);
  }

  public static ProtectedTargetGuard none() {
    return new ProtectedTargetGuard(List.of(), List.of(), List.of());
  }
}
