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
      int colon = selector.lastIndexOf(':');
      if (colon <= 0 || colon == selector.length() - 1) {
        throw new IllegalArgumentException("EC2_INSTANCE_TAG must be key:value");
      }
      return new InstanceTag(selector.substring(0, colon), selector.substring(colon + 1), percent);
    }
  }

  /** CLUSTER_NAME: every EC2 container instance of the cluster. */
  record EcsCluster(String name) implements TargetSelector {
    public EcsCluster {
      Objects.requireNonNull(name, "name");
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
