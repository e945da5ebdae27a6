package io.faultline.events.catalogue;

import static io.faultline.events.catalogue.CommonTunables.INTERFACE_NAME;
import static io.faultline.events.catalogue.CommonTunables.ONE_SELECTOR;
import static io.faultline.events.catalogue.CommonTunables.PERCENT_NEEDS_TAG;
import static io.faultline.events.catalogue.CommonTunables.affectedPercent;
import static io.faultline.events.catalogue.CommonTunables.duration;
import static io.faultline.events.catalogue.CommonTunables.installDependencies;
import static io.faultline.events.catalogue.CommonTunables.instanceId;
import static io.faultline.events.catalogue.CommonTunables.instanceTag;
import static io.faultline.events.catalogue.CommonTunables.proxy;
import static io.faultline.events.catalogue.CommonTunables.rampTime;
import static io.faultline.events.catalogue.CommonTunables.sequence;

import io.faultline.events.ids.FaultType;
import java.util.ArrayList;
import java.util.List;

/**
 * The tc netem faults: latency and packet loss on an interface, whole or only towards given
 * destinations (the Prime Video runner's NetworkLatency, DependencyLatency, DependencyPacketLoss
 * and MultiIPAddress attacks; Litmus's node network faults).
 */
final class NetworkFaults {
  private NetworkFaults() {}

  static final FaultType EC2_NETWORK_LATENCY = FaultType.of("ec2-network-latency");
  static final FaultType EC2_NETWORK_PACKET_LOSS = FaultType.of("ec2-network-packet-loss");

  /** One IPv4 address or CIDR, as the tenant policy's {@code protectedTargets.destinations}. */
  static final String IPV4_OR_CIDR =
      "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}"
          + "(/(3[0-2]|[12]?[0-9]))?";

  /** Comma-separated IPv4 addresses or CIDRs, at most 20. */
  static final String DESTINATION_LIST = "^" + IPV4_OR_CIDR + "(," + IPV4_OR_CIDR + "){0,19}$";

  /** One port, 1..65535, without leading zeros. */
  static final String PORT =
      "(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})";

  /** Comma-separated ports, at most 10. */
  static final String PORT_LIST = "^" + PORT + "(," + PORT + "){0,9}$";

  static FaultTypeSpec latency() {
    List<ParameterSpec> tunables = new ArrayList<>(scope());
    tunables.add(
        ParameterSpec.integer(
            "NETWORK_LATENCY",
            2_000,
            1,
            60_000,
            true,
            "Delay added to every affected outgoing packet, in milliseconds."));
    tunables.add(
        ParameterSpec.integer(
            "JITTER", 0, 0, 10_000, true, "Random variation of the delay, in milliseconds."));
    tunables.addAll(targets());
    return new FaultTypeSpec(
        EC2_NETWORK_LATENCY,
        "EC2 network latency",
        "Delays outgoing packets on NETWORK_INTERFACE by NETWORK_LATENCY ms (± JITTER) with tc"
            + " netem for TOTAL_CHAOS_DURATION: every packet, or only those to DESTINATION_IPS"
            + " and/or DESTINATION_PORTS. Refused on an interface whose root qdisc is not the"
            + " kernel's default; the revert deletes exactly the qdisc it added.",
        TargetKind.EC2_INSTANCES,
        tunables,
        ONE_SELECTOR,
        PERCENT_NEEDS_TAG);
  }

  static FaultTypeSpec packetLoss() {
    List<ParameterSpec> tunables = new ArrayList<>(scope());
    tunables.add(
        ParameterSpec.integer(
            "NETWORK_PACKET_LOSS_PERCENTAGE",
            100,
            1,
            100,
            true,
            "Percentage of affected outgoing packets dropped."));
    tunables.addAll(targets());
    return new FaultTypeSpec(
        EC2_NETWORK_PACKET_LOSS,
        "EC2 network packet loss",
        "Drops NETWORK_PACKET_LOSS_PERCENTAGE % of outgoing packets on NETWORK_INTERFACE with tc"
            + " netem for TOTAL_CHAOS_DURATION: every packet, or only those to DESTINATION_IPS"
            + " and/or DESTINATION_PORTS. Refused on an interface whose root qdisc is not the"
            + " kernel's default; the revert deletes exactly the qdisc it added.",
        TargetKind.EC2_INSTANCES,
        tunables,
        ONE_SELECTOR,
        PERCENT_NEEDS_TAG);
  }

  /** Where the fault applies on the host: the interface and, optionally, the destinations. */
  private static List<ParameterSpec> scope() {
    return List.of(
        ParameterSpec.text(
            "NETWORK_INTERFACE",
            "eth0",
            INTERFACE_NAME,
            false,
            true,
            "Network interface whose outgoing traffic is affected."),
        ParameterSpec.text(
            "DESTINATION_IPS",
            "",
            DESTINATION_LIST,
            false,
            true,
            "Comma-separated IPv4 addresses or CIDRs (at most 20) whose traffic is affected;"
                + " empty for every destination."),
        ParameterSpec.text(
            "DESTINATION_PORTS",
            "",
            PORT_LIST,
            false,
            true,
            "Comma-separated destination ports 1-65535 (at most 10) whose traffic is affected;"
                + " empty for every port."));
  }

  private static List<ParameterSpec> targets() {
    return List.of(
        instanceId(),
        instanceTag(),
        duration(),
        affectedPercent(),
        installDependencies("tc (iproute2)"),
        proxy(),
        sequence("instances"),
        rampTime());
  }
}
