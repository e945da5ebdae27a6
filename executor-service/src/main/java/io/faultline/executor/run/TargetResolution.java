package io.faultline.executor.run;

import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.lifecycle.TargetOutcome;
import io.faultline.events.lifecycle.TargetStatus;
import io.faultline.executor.fault.Target;
import io.faultline.executor.fault.TargetDirectory;
import io.faultline.executor.fault.TargetDirectory.ClusterMember;
import io.faultline.executor.fault.TargetDirectory.Instance;
import io.faultline.executor.fault.TargetSelector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Turns a selector into targets: resolve, exclude protected targets (ids, tag rules, cluster names)
 * whatever selector reached them, choose the percentage at random, cap at the approval's maximum,
 * and report every exclusion and skip.
 */
final class TargetResolution {
  private TargetResolution() {}

  /** The targets to act on, every outcome to report, and a one-line summary. */
  record Resolved(List<Target> targets, List<TargetOutcome> outcomes, String summary) {}

  /** The cluster does not exist (a pre-check failure, not a selection one). */
  static final class MissingCluster extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MissingCluster(String cluster) {
      super("ECS cluster " + cluster + " does not exist or is not ACTIVE");
    }
  }

  static Resolved resolve(
      TargetSelector selector,
      TargetDirectory directory,
      ProtectedTargetGuard guard,
      int maxTargets,
      RandomGenerator random) {
    List<TargetOutcome> outcomes = new ArrayList<>();
    List<Target> eligible = new ArrayList<>();
    String summary;
    switch (selector) {
      case TargetSelector.InstanceIds ids -> {
        Map<String, Instance> found = new LinkedHashMap<>();
        directory.instances(ids.ids()).forEach(i -> found.put(i.id(), i));
        for (String id : ids.ids()) {
          Instance instance = found.get(id);
          if (instance == null) {
            outcomes.add(skipped(id, Target.EC2_INSTANCE, "instance not found"));
          } else if (!instance.running()) {
            outcomes.add(skipped(id, Target.EC2_INSTANCE, "instance is " + instance.state()));
          } else {
            guardOrAdd(
                new Target(id, Target.EC2_INSTANCE, instance.tags(), ""),
                guard,
                eligible,
                outcomes);
          }
        }
        summary = eligible.size() + " of " + ids.ids().size() + " named instances eligible";
      }
      case TargetSelector.InstanceTag tag -> {
        List<Instance> running = directory.runningInstancesWithTag(tag.key(), tag.value());
        for (Instance instance : running) {
          guardOrAdd(
              new Target(instance.id(), Target.EC2_INSTANCE, instance.tags(), ""),
              guard,
              eligible,
              outcomes);
        }
        int wanted =
            eligible.isEmpty()
                ? 0
                : tag.percent() == 0
                    ? 1
                    : Math.max(1, (int) Math.ceil(eligible.size() * tag.percent() / 100.0));
        List<Target> shuffled = new ArrayList<>(eligible);
        Collections.shuffle(shuffled, random);
        eligible = new ArrayList<>(shuffled.subList(0, wanted));
        summary =
            "chose "
                + wanted
                + " ("
                + (tag.percent() == 0 ? "one" : tag.percent() + "%")
                + ") of "
                + shuffled.size()
                + " eligible running instances tagged "
                + tag.key()
                + "="
                + tag.value();
      }
      case TargetSelector.EcsCluster cluster -> {
        if (guard.clusterNames().contains(cluster.name())) {
          outcomes.add(
              new TargetOutcome(
                  cluster.name(),
                  Target.ECS_CLUSTER,
                  TargetStatus.EXCLUDED_PROTECTED,
                  null,
                  "cluster is protected"));
          return new Resolved(List.of(), outcomes, "cluster " + cluster.name() + " is protected");
        }
        Optional<List<ClusterMember>> members = directory.clusterMembers(cluster.name());
        if (members.isEmpty()) {
          throw new MissingCluster(cluster.name());
        }
        outcomes.add(
            new TargetOutcome(
                cluster.name(), Target.ECS_CLUSTER, TargetStatus.RESOLVED, null, null));
        List<ClusterMember> usable = new ArrayList<>();
        for (ClusterMember member : members.get()) {
          if (member.ec2InstanceId() == null || member.ec2InstanceId().isBlank()) {
            outcomes.add(
                skipped(
                    member.containerInstanceArn(),
                    Target.ECS_CONTAINER_INSTANCE,
                    "not backed by an EC2 instance"));
          } else if (!"ACTIVE".equals(member.status()) && !"DRAINING".equals(member.status())) {
            outcomes.add(
                skipped(
                    member.ec2InstanceId(),
                    Target.ECS_CONTAINER_INSTANCE,
                    "container instance is " + member.status()));
          } else {
            usable.add(member);
          }
        }
        Map<String, Instance> instances = new LinkedHashMap<>();
        if (!usable.isEmpty()) {
          directory
              .instances(usable.stream().map(ClusterMember::ec2InstanceId).toList())
              .forEach(i -> instances.put(i.id(), i));
        }
        for (ClusterMember member : usable) {
          Instance instance = instances.get(member.ec2InstanceId());
          if (instance == null || !instance.running()) {
            outcomes.add(
                skipped(
                    member.ec2InstanceId(),
                    Target.ECS_CONTAINER_INSTANCE,
                    instance == null
                        ? "EC2 instance not found"
                        : "instance is " + instance.state()));
            continue;
          }
          if (!cluster.matches(instance)) {
            // Not selected, as an untagged instance is not by EC2_INSTANCE_TAG: not reported.
            continue;
          }
          guardOrAdd(
              new Target(
                  member.ec2InstanceId(),
                  Target.ECS_CONTAINER_INSTANCE,
                  instance.tags(),
                  member.containerInstanceArn()),
              guard,
              eligible,
              outcomes);
        }
        int selected = eligible.size();
        if (cluster.percent() > 0 && !eligible.isEmpty()) {
          int wanted = Math.max(1, (int) Math.ceil(selected * cluster.percent() / 100.0));
          List<Target> shuffled = new ArrayList<>(eligible);
          Collections.shuffle(shuffled, random);
          eligible = new ArrayList<>(shuffled.subList(0, wanted));
        }
        summary =
            selected
                + " of "
                + members.get().size()
                + " container instances of "
                + cluster.name()
                + cluster.filters()
                + " eligible"
                + (cluster.percent() > 0
                    ? "; chose " + eligible.size() + " (" + cluster.percent() + "%) at random"
                    : "");
      }
    }
    if (maxTargets > 0 && eligible.size() > maxTargets) {
      for (Target dropped : eligible.subList(maxTargets, eligible.size())) {
        outcomes.add(skipped(dropped.id(), dropped.kind(), "beyond maxTargets " + maxTargets));
      }
      eligible = new ArrayList<>(eligible.subList(0, maxTargets));
      summary += "; capped at " + maxTargets;
    }
    for (Target target : eligible) {
      outcomes.add(
          new TargetOutcome(
              target.id(),
              target.kind(),
              TargetStatus.RESOLVED,
              null,
              target.note().isEmpty() ? null : target.note()));
    }
    return new Resolved(List.copyOf(eligible), outcomes, summary);
  }

  private static void guardOrAdd(
      Target target, ProtectedTargetGuard guard, List<Target> eligible, List<TargetOutcome> out) {
    Optional<String> why = protectedBecause(target, guard);
    if (why.isPresent()) {
      out.add(
          new TargetOutcome(
              target.id(), target.kind(), TargetStatus.EXCLUDED_PROTECTED, null, why.get()));
    } else {
      eligible.add(target);
    }
  }

  static Optional<String> protectedBecause(Target target, ProtectedTargetGuard guard) {
    if (guard.instanceIds().contains(target.id())) {
      return Optional.of("instance id is protected");
    }
    for (var rule : guard.tags()) {
      for (var tag : target.tags().entrySet()) {
        if (rule.matches(tag.getKey(), tag.getValue())) {
          return Optional.of("tag " + tag.getKey() + "=" + tag.getValue() + " is protected");
        }
      }
    }
    return Optional.empty();
  }

  private static TargetOutcome skipped(String id, String kind, String why) {
    return new TargetOutcome(id, kind, TargetStatus.SKIPPED, null, why);
  }
}
