package io.faultline.executor.fault.networklatency;

import io.faultline.events.catalogue.FaultParameters;
import io.faultline.executor.fault.TargetSelector;
import io.faultline.executor.fault.Timing;
import io.faultline.executor.fault.netem.NetemScope;
import java.util.Objects;

/**
 * The typed tunables of EC2 network latency.
 *
 * @param scope interface, destinations and installer of the fault
 * @param latencyMs NETWORK_LATENCY, 1..60000 ms
 * @param jitterMs JITTER, 0..10000 ms
 */
record NetworkLatencySpec(
    TargetSelector selector, Timing timing, NetemScope scope, int latencyMs, int jitterMs) {
  NetworkLatencySpec {
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(timing, "timing");
    Objects.requireNonNull(scope, "scope");
    if (latencyMs < 1 || latencyMs > 60_000) {
      throw new IllegalArgumentException("NETWORK_LATENCY must be 1..60000 ms");
    }
    if (jitterMs < 0 || jitterMs > 10_000) {
      throw new IllegalArgumentException("JITTER must be 0..10000 ms");
    }
  }

  static NetworkLatencySpec of(FaultParameters parameters) {
    return new NetworkLatencySpec(
        TargetSelector.ec2(parameters),
        Timing.of(parameters),
        NetemScope.of(parameters),
        parameters.integer("NETWORK_LATENCY"),
        parameters.integer("JITTER"));
  }
}
