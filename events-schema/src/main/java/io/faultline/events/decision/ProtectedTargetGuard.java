package io.faultline.events.decision;

import io.faultline.events.policy.ProtectedTargets;
import io.faultline.events.policy.TagRule;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * What the executor must exclude after resolving targets: instance ids, cluster names and tag
 * rules. Applied to every resolved target, whatever selector reached it, and again before each
 * inject batch together with the tenant's current protected targets. Destinations and process names
 * resolve only on a host, so they travel to the host with the fault's document (a process fault
 * never signals a process whose name is protected).
 *
 * @param destinations IPv4 addresses or CIDRs a network fault may never act on; handed to the
 *     fault's document, which refuses a host name resolving into one (names are only known there)
 * @param processNames process names a process fault never signals
 */
public record ProtectedTargetGuard(
    List<String> instanceIds,
    List<String> clusterNames,
    List<TagRule> tags,
    List<String> destinations,
    List<String> processNames) {
  public ProtectedTargetGuard {
    instanceIds = instanceIds == null ? List.of() : List.copyOf(instanceIds);
    clusterNames = clusterNames == null ? List.of() : List.copyOf(clusterNames);
    tags = tags == null ? List.of() : List.copyOf(tags);
    destinations = destinations == null ? List.of() : List.copyOf(destinations);
    processNames = processNames == null ? List.of() : List.copyOf(processNames);
  }

  /** A guard by instance, cluster and tag only. */
  public ProtectedTargetGuard(
      List<String> instanceIds, List<String> clusterNames, List<TagRule> tags) {
    this(instanceIds, clusterNames, tags, List.of(), List.of());
  }

  public static ProtectedTargetGuard none() {
    return new ProtectedTargetGuard(List.of(), List.of(), List.of());
  }

  /** The guard of a tenant policy's protected targets. */
  public static ProtectedTargetGuard of(ProtectedTargets targets) {
    Objects.requireNonNull(targets, "targets");
    return new ProtectedTargetGuard(
        targets.instanceIds(),
        targets.clusterNames(),
        targets.tags(),
        targets.destinations(),
        targets.processNames());
  }

  /**
   * A guard protecting every target either guard protects (each list in order, without duplicates):
   * never less strict than this one, whatever {@code other} says.
   */
  public ProtectedTargetGuard union(ProtectedTargetGuard other) {
    Objects.requireNonNull(other, "other");
    return new ProtectedTargetGuard(
        merged(instanceIds, other.instanceIds),
        merged(clusterNames, other.clusterNames),
        merged(tags, other.tags),
        merged(destinations, other.destinations),
        merged(processNames, other.processNames));
  }

  private static <T> List<T> merged(List<T> first, List<T> second) {
    LinkedHashSet<T> all = new LinkedHashSet<>(first);
    all.addAll(second);
    return List.copyOf(all);
  }
}
