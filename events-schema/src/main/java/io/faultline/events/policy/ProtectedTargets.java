package io.faultline.events.policy;

import java.util.List;

/** Targets that never receive a command, whatever selector reached them. */
public record ProtectedTargets(
    List<String> instanceIds, List<String> clusterNames, List<TagRule> tags) {
  public ProtectedTargets {
    instanceIds = instanceIds == null ? List.of() : List.copyOf(instanceIds);
    clusterNames = clusterNames == null ? List.of() : List.copyOf(clusterNames);
    tags = tags == null ? List.of() : List.copyOf(tags);
  }

  public static ProtectedTargets none() {
    return new ProtectedTargets(List.of(), List.of(), List.of());
  }
}
