package io.faultline.executor.fault;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Read-only questions about an account's targets. Every method may throw {@link
 * TransportException}; implementations retry throttling and server errors themselves.
 */
public interface TargetDirectory {
  /** The named instances that exist, with their state and tags (missing ids are left out). */
  List<Instance> instances(List<String> ids);

  /** Every running instance with tag {@code key} = {@code value}, over all pages. */
  List<Instance> runningInstancesWithTag(String key, String value);

  /**
   * The container instances of an ECS cluster.
   *
   * @return empty when the cluster does not exist
   */
  java.util.Optional<List<ClusterMember>> clusterMembers(String cluster);

  /**
   * The ids among {@code instanceIds} whose SSM agent is registered and online.
   *
   * @throws TransportException when the question cannot be answered (callers fail closed)
   */
  Set<String> ssmOnline(List<String> instanceIds);

  /** For each EC2 instance id of the cluster, whether its ECS agent is connected. */
  Map<String, Boolean> agentConnected(String cluster);

  /**
   * An EC2 instance as the directory knows it.
   *
   * @param availabilityZone where it runs, or null when unknown
   */
  record Instance(String id, String state, Map<String, String> tags, String availabilityZone) {
    public Instance {
      tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    /** An instance whose zone is unknown. */
    public Instance(String id, String state, Map<String, String> tags) {
      this(id, state, tags, null);
    }

    public boolean running() {
      return "running".equals(state);
    }
  }

  /**
   * A container instance of an ECS cluster.
   *
   * @param ec2InstanceId null when it is not backed by an EC2 instance
   */
  record ClusterMember(
      String containerInstanceArn, String ec2InstanceId, String status, boolean agentConnected) {}
}
