package io.faultline.events.catalogue;

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
import java.util.List;

/**
 * EC2 network blackhole: the Prime Video runner's Blackhole attack (one protocol and port)
 * generalised to destinations given by address, CIDR or host name.
 */
final class BlackholeFaults {
  private BlackholeFaults() {}

  static final FaultType EC2_NETWORK_BLACKHOLE = FaultType.of("ec2-network-blackhole");

  private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";

  /** One IPv4 address or CIDR, e.g. {@code 10.0.0.0/16}. */
  static final String IPV4_OR_CIDR = OCTET + "(\\." + OCTET + "){3}(/(3[0-2]|[12]?[0-9]))?";

  /** Comma-separated IPv4 addresses or CIDRs, at most 20. */
  static final String DESTINATION_IP_LIST = "^" + IPV4_OR_CIDR + "(," + IPV4_OR_CIDR + "){0,19}$";

  /** A DNS name: letter/digit labels with inner hyphens, never a leading dash or dot. */
  private static final String HOST_NAME =
      "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?){0,9}";

  /** Comma-separated DNS names, at most 10. */
  static final String DESTINATION_HOST_LIST = "^" + HOST_NAME + "(," + HOST_NAME + "){0,9}$";

  private static final String PORT =
      "([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])";

  /** Comma-separated ports 1..65535, at most 10. */
  static final String PORT_LIST = "^" + PORT + "(," + PORT + "){0,9}$";

  static FaultTypeSpec networkBlackhole() {
    return new FaultTypeSpec(
        EC2_NETWORK_BLACKHOLE,
        "EC2 network blackhole",
        "Drops outbound traffic from the target instances to DESTINATION_IPS and to every IPv4"
            + " address DESTINATION_HOSTS resolve to on the host (optionally only PROTOCOL and"
            + " DESTINATION_PORTS) for TOTAL_CHAOS_DURATION, with iptables rules in a chain of the"
            + " fault's own; then removes that chain. A destination inside the tenant's protected"
            + " destinations is refused, before any rule.",
        TargetKind.EC2_INSTANCES,
        List.of(
            instanceId(),
            instanceTag(),
            ParameterSpec.text(
                "DESTINATION_IPS",
                "",
                DESTINATION_IP_LIST,
                false,
                true,
                "Comma-separated IPv4 addresses or CIDRs whose outbound traffic is dropped, at most"
                    + " 20, e.g. 10.0.3.7,10.1.0.0/16."),
            ParameterSpec.text(
                "DESTINATION_HOSTS",
                "",
                DESTINATION_HOST_LIST,
                false,
                true,
                "Comma-separated DNS names, at most 10, resolved on the target at inject time;"
                    + " every IPv4 address they resolve to is dropped and listed in the result."),
            ParameterSpec.text(
                "DESTINATION_PORTS",
                "",
                PORT_LIST,
                false,
                true,
                "Comma-separated destination ports, at most 10 (needs PROTOCOL tcp or udp); empty"
                    + " drops every port."),
            ParameterSpec.oneOf(
                "PROTOCOL",
                "all",
                List.of("tcp", "udp", "all"),
                "Protocol dropped: tcp, udp or all."),
            duration(),
            affectedPercent(),
            installDependencies("iptables"),
            proxy(),
            sequence("instances"),
            rampTime()),
        ONE_SELECTOR,
        PERCENT_NEEDS_TAG,
        List.of(
            new TunableRule.AtLeastOneOf(
                List.of("DESTINATION_IPS", "DESTINATION_HOSTS"),
                "a blackhole of every destination would cut the host off from SSM and its own"
                    + " rollback"),
            new TunableRule.OnlyWithValue("DESTINATION_PORTS", "PROTOCOL", List.of("tcp", "udp"))));
  }
}
