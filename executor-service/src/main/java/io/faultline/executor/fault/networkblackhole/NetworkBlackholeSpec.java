package io.faultline.executor.fault.networkblackhole;

import io.faultline.events.catalogue.FaultParameters;
import io.faultline.executor.fault.TargetSelector;
import io.faultline.executor.fault.Timing;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The typed tunables of EC2 network blackhole.
 *
 * @param destinationIps DESTINATION_IPS, IPv4 addresses or CIDRs
 * @param destinationHosts DESTINATION_HOSTS, DNS names resolved on the host
 * @param ports DESTINATION_PORTS, empty for every port
 * @param protocol PROTOCOL: tcp, udp or all
 */
record NetworkBlackholeSpec(
    TargetSelector selector,
    Timing timing,
    List<String> destinationIps,
    List<String> destinationHosts,
    List<Integer> ports,
    String protocol,
    boolean installDependencies,
    String proxy) {
  private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";
  private static final Pattern IP_OR_CIDR =
      Pattern.compile("^" + OCTET + "(\\." + OCTET + "){3}(/(3[0-2]|[12]?[0-9]))?$");
  private static final Pattern HOST =
      Pattern.compile(
          "^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?){0,9}$");

  NetworkBlackholeSpec {
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(timing, "timing");
    destinationIps = List.copyOf(destinationIps);
    destinationHosts = List.copyOf(destinationHosts);
    ports = List.copyOf(ports);
    if (destinationIps.isEmpty() && destinationHosts.isEmpty()) {
      throw new IllegalArgumentException(
          "at least one of DESTINATION_IPS, DESTINATION_HOSTS must be set");
    }
    if (destinationIps.size() > 20
        || !destinationIps.stream().allMatch(ip -> IP_OR_CIDR.matcher(ip).matches())) {
      throw new IllegalArgumentException(
          "DESTINATION_IPS must be at most 20 IPv4 addresses or CIDRs");
    }
    if (destinationHosts.size() > 10
        || !destinationHosts.stream().allMatch(h -> HOST.matcher(h).matches())) {
      throw new IllegalArgumentException("DESTINATION_HOSTS must be at most 10 DNS names");
    }
    if (ports.size() > 10 || ports.stream().anyMatch(p -> p < 1 || p > 65_535)) {
      throw new IllegalArgumentException("DESTINATION_PORTS must be at most 10 ports 1..65535");
    }
    if (!List.of("tcp", "udp", "all").contains(protocol)) {
      throw new IllegalArgumentException("PROTOCOL must be tcp, udp or all");
    }
    if (!ports.isEmpty() && protocol.equals("all")) {
      throw new IllegalArgumentException("DESTINATION_PORTS needs PROTOCOL tcp or udp");
    }
    proxy = proxy == null ? "" : proxy;
  }

  static NetworkBlackholeSpec of(FaultParameters parameters) {
    return new NetworkBlackholeSpec(
        TargetSelector.ec2(parameters),
        Timing.of(parameters),
        list(parameters, "DESTINATION_IPS"),
        list(parameters, "DESTINATION_HOSTS"),
        list(parameters, "DESTINATION_PORTS").stream().map(NetworkBlackholeSpec::port).toList(),
        parameters.text("PROTOCOL").orElse("all"),
        parameters.text("INSTALL_DEPENDENCIES").map(Boolean::parseBoolean).orElse(true),
        parameters.text("PROXY").orElse(""));
  }

  private static List<String> list(FaultParameters parameters, String name) {
    String text = parameters.text(name).orElse("");
    return text.isEmpty() ? List.of() : Arrays.asList(text.split(","));
  }

  private static int port(String text) {
    if (!text.matches("[0-9]{1,5}")) {
      throw new IllegalArgumentException("DESTINATION_PORTS must be comma-separated numbers");
    }
    return Integer.parseInt(text);
  }
}
