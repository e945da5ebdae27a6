package io.faultline.executor.fault.ecsagentstop;

import io.faultline.events.catalogue.FaultParameters;
import io.faultline.executor.fault.TargetSelector;
import io.faultline.executor.fault.Timing;
import java.util.Objects;
import java.util.regex.Pattern;

/** The typed tunables of ECS agent stop. */
record EcsAgentStopSpec(TargetSelector.EcsCluster selector, Timing timing) {
  private static final Pattern CLUSTER = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$");

  EcsAgentStopSpec {
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(timing, "timing");
    if (!CLUSTER.matcher(selector.name()).matches()) {
      throw new IllegalArgumentException("CLUSTER_NAME is not a valid ECS cluster name");
    }
  }

  static EcsAgentStopSpec of(FaultParameters parameters) {
    return new EcsAgentStopSpec(
        new TargetSelector.EcsCluster(parameters.required("CLUSTER_NAME")), Timing.of(parameters));
  }
}
