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

  /** Below this, ECS may not notice the agent was gone (its heartbeat is about 30 s). */
  static final int ADVISED_MIN_DURATION_SECONDS = 30;

  static EcsAgentStopSpec of(FaultParameters parameters) {
    String tag = parameters.text("CONTAINER_INSTANCE_TAG").orElse("");
    String zone = parameters.text("AVAILABILITY_ZONE").orElse("");
    return new EcsAgentStopSpec(
        new TargetSelector.EcsCluster(
            parameters.required("CLUSTER_NAME"),
            tag.isEmpty()
                ? null
                : TargetSelector.InstanceTag.parse("CONTAINER_INSTANCE_TAG", tag, 0),
            zone.isEmpty() ? null : zone,
            parameters.text("INSTANCE_AFFECTED_PERC").map(Integer::parseInt).orElse(0)),
        Timing.of(parameters));
  }

  /** The seed's advice on the duration, when this fault's is shorter. */
  java.util.Optional<String> durationWarning() {
    if (timing.durationSeconds() >= ADVISED_MIN_DURATION_SECONDS) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        "warning: TOTAL_CHAOS_DURATION "
            + timing.durationSeconds()
            + " s is below the advised 30-60 s, so ECS may never report the agent disconnected");
  }
}
