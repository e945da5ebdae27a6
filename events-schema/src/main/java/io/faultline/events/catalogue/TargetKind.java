package io.faultline.events.catalogue;

/** What a fault type selects as its targets. */
public enum TargetKind {
  /** EC2 instances, by {@code EC2_INSTANCE_ID} or {@code EC2_INSTANCE_TAG}. */
  EC2_INSTANCES,
  /** Every EC2 container instance of the ECS cluster named by {@code CLUSTER_NAME}. */
  ECS_CLUSTER
}
