package io.faultline.events.policy;

import java.util.List;

/**
 * Targets that never receive a command, whatever selector reached them.
 *
 * @param instanceIds EC2 instances never injected
 * @param clusterNames ECS clusters never injected
 * @param tags tag rules; an instance carrying a matching tag is never injected
 * @param destinations IPv4 addresses or CIDRs a network fault may never act on, however its
 *     destinations are given (addresses, CIDRs or host names resolved on the host)
 * @param processNames process names a process fault may never signal
 */
public record ProtectedTargets(
    List<String> instanceIds,
    List<String> clusterNames,
    List<TagRule> tags,
    List<String> destinations,
    List<String> processNames) {
  public ProtectedTargets {
    instanceIds = instanceIds == null ? List.of() : List.copyOf(instanceIds);
    clusterNames = clusterNames == null ? List.of() : List.copyOf(clusterNames);
    tags = tags == null ? List.of() : List.copyOf(tags);
    destinations = destinations == null ? List.of() : List.copyOf(destinations);
    processNames = processNames == null ? List.of() : List.copyOf(processNames);
  }

  /** Targets protected by instance, cluster or tag only. */
  public ProtectedTargets(List<String> instanceIds, List<String> clusterNames, List<TagRule> tags) {
    this(instanceIds, clusterNames, tags, List.of(), List.of());
  }

  public static ProtectedTargets none() {
    return new ProtectedTargets(List.of(), List.of(), List.of());
  }
}
