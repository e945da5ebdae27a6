package io.faultline.executor.fault.packetloss;

import io.faultline.events.catalogue.FaultParameters;
import io.faultline.executor.fault.TargetSelector;
import io.faultline.executor.fault.Timing;
import io.faultline.executor.fault.netem.NetemScope;
import java.util.Objects;

/**
 * The typed tunables of EC2 network packet loss.
 *
 * @param scope interface, destinations and installer of the fault
 * @param lossPercent NETWORK_PACKET_LOSS_PERCENTAGE, 1..100
 */
record PacketLossSpec(TargetSelector selector, Timing timing, NetemScope scope, int lossPercent) {
  PacketLossSpec {
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(timing, "timing");
    Objects.requireNonNull(scope, "scope");
    if (lossPercent < 1 || lossPercent > 100) {
      throw new IllegalArgumentException("NETWORK_PACKET_LOSS_PERCENTAGE must be 1..100");
    }
  }

  static PacketLossSpec of(FaultParameters parameters) {
    return new PacketLossSpec(
        TargetSelector.ec2(parameters),
        Timing.of(parameters),
        NetemScope.of(parameters),
        parameters.integer("NETWORK_PACKET_LOSS_PERCENTAGE"));
  }
}
