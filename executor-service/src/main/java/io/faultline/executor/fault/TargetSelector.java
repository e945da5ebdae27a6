package io.faultline.executor.fault;

import java.util.List;
import java.util.Objects;

/** How a fault names its targets; the runner resolves them through a {@link TargetDirectory}. */
public sealed interface TargetSelector {
  /** EC2_INSTANCE_ID: these instances, if they exist and run. */
  record InstanceIds(List<String> ids) implements TargetSelector {
    public InstanceIds {
      ids = List.copyOf(ids);
      if (ids.isEmpty()) {
        throw new IllegalArgumentException("at least one instance id");
      }
    }
  }

  /**
   * EC2_INSTANCE_TAG: running instances with tag {@code key} = {@code value}, of which {@code
   * percent} (0 = exactly one) are chosen at random.
   */
  record InstanceTag(String key, String value, int percent) implements TargetSelector {
    public InstanceTag {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      if (percent < 0 || percent > 100) {
        throw new IllegalArgumentException("percent must be 0..100");
      }
    }

    /** Parses {@code key:value}; the value follows the LAST colon, so keys may hold colons. */
    public static InstanceTag parse(String selector, int percent) {
      return parse("EC2_INSTANCE_TAG", selector, percent);
    }

    /** As {@link #parse(String, int)}, naming {@code tunable} when {@code selector} is bad. */
    public static InstanceTag parse(String tunable, String selector, int percent) {
      int colon = selector.lastIndexOf(':');
      if (colon <= 0 || colon == selector.length() - 1) {
        throw new IllegalArgumentException(tunable + " must be key:value");
      }
      return new InstanceTag(selector.substring(0, colon), selector.substring(colon + 1), percent);
    }
  }

  /**
   * CLUSTER_NAME: the EC2 container instances of the cluster, narrowed by the EC2 instance's tag
   * (CONTAINER_INSTANCE_TAG) and availability zone (AVAILABILITY_ZONE), of which {@code percent}
   * (INSTANCE_AFFECTED_PERC; 0 = every one) are chosen at random.
   *
   * @param tag the EC2 tag a container instance's host must carry, or null for any
   * @param availabilityZone the zone its host must run in, or null for any
   */
  record EcsCluster(String name, InstanceTag tag, String availabilityZone, int percent)
      implements TargetSelector {
    public EcsCluster {
      Objects.requireNonNull(name, "name");
      if (percent < 0 || percent > 100) {
        throw new IllegalArgumentException("INSTANCE_AFFECTED_PERC must be 0..100");
      }
    }

    /** Every container instance of the cluster. */
    public EcsCluster(String name) {
      this(name, null, null, 0);
    }

    /** Whether a container instance whose EC2 instance is {@code instance} is selected. */
    public boolean matches(TargetDirectory.Instance instance) {
      return (tag == null || tag.value().equals(instance.tags().get(tag.key())))
          && (availabilityZone == null || availabilityZone.equals(instance.availabilityZone()));
    }

    /** What narrows the cluster's instances, for the resolution summary; empty for nothing. */
    public String filters() {
      StringBuilder out = new StringBuilder();
      if (tag != null) {
        out.append(" tagged ").append(tag.key()).append('=').append(tag.value());
      }
      if (availabilityZone != null) {
        out.append(" in ").append(availabilityZone);
      }
      return out.toString();
    }
  }

  /** EC2_INSTANCE_ID or EC2_INSTANCE_TAG (with INSTANCE_AFFECTED_PERC), whichever is set. */
  static TargetSelector ec2(io.faultline.events.catalogue.FaultParameters parameters) {
    var ids = parameters.text("EC2_INSTANCE_ID");
    if (ids.isPresent()) {
      return new InstanceIds(List.of(ids.get().split(",")));
    }
    return InstanceTag.parse(
        parameters.required("EC2_INSTANCE_TAG"),
        parameters.text("INSTANCE_AFFECTED_PERC").map(Integer::parseInt).orElse(0));
  }
}
