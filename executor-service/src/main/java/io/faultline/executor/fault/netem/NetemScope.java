package io.faultline.executor.fault.netem;

import io.faultline.events.catalogue.FaultParameters;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where a netem fault applies on a host, and how its tools get there: the tunables the network
 * latency and packet loss faults share, and their document parameters.
 *
 * @param networkInterface NETWORK_INTERFACE, a Linux interface name
 * @param destinations DESTINATION_IPS, IPv4 addresses or CIDRs (at most 20); empty = every one
 * @param ports DESTINATION_PORTS, 1..65535 (at most 10); empty = every port
 * @param installDependencies INSTALL_DEPENDENCIES
 * @param proxy PROXY for the in-instance installer, empty for none
 */
public record NetemScope(
    String networkInterface,
    List<String> destinations,
    List<Integer> ports,
    boolean installDependencies,
    String proxy) {
  private static final Pattern INTERFACE = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$");
  private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";
  private static final Pattern DESTINATION =
      Pattern.compile("^" + OCTET + "(\\." + OCTET + "){3}(/(3[0-2]|[12]?[0-9]))?$");

  public NetemScope {
    if (networkInterface == null || !INTERFACE.matcher(networkInterface).matches()) {
      throw new IllegalArgumentException("NETWORK_INTERFACE must be an interface name");
    }
    destinations = List.copyOf(destinations);
    ports = List.copyOf(ports);
    if (destinations.size() > 20
        || destinations.stream().anyMatch(d -> !DESTINATION.matcher(d).matches())) {
      throw new IllegalArgumentException(
          "DESTINATION_IPS must be at most 20 IPv4 addresses or CIDRs");
    }
    if (ports.size() > 10 || ports.stream().anyMatch(p -> p < 1 || p > 65_535)) {
      throw new IllegalArgumentException("DESTINATION_PORTS must be at most 10 ports 1..65535");
    }
    proxy = proxy == null ? "" : proxy;
  }

  public static NetemScope of(FaultParameters parameters) {
    return new NetemScope(
        parameters.text("NETWORK_INTERFACE").orElse("eth0"),
        parameters.text("DESTINATION_IPS").map(NetemScope::split).orElse(List.of()),
        parameters.text("DESTINATION_PORTS").map(NetemScope::split).orElse(List.of()).stream()
            .map(NetemScope::port)
            .toList(),
        parameters.text("INSTALL_DEPENDENCIES").map(Boolean::parseBoolean).orElse(true),
        parameters.text("PROXY").orElse(""));
  }

  /** Whether only some destinations are affected (else the whole interface). */
  public boolean scoped() {
    return !destinations.isEmpty() || !ports.isEmpty();
  }

  /** The document parameters of the scope, in the documents' order. */
  public Map<String, String> documentValues() {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("NetworkInterface", networkInterface);
    values.put("DestinationIps", String.join(",", destinations));
    values.put("DestinationPorts", String.join(",", ports.stream().map(String::valueOf).toList()));
    values.put("InstallDependencies", Boolean.toString(installDependencies));
    values.put("Proxy", proxy);
    return values;
  }

  private static List<String> split(String list) {
    return Arrays.asList(list.split(",", -1));
  }

  private static int port(String text) {
    if (!text.matches("[0-9]{1,5}")) {
      throw new IllegalArgumentException("DESTINATION_PORTS must be comma-separated numbers");
    }
    return Integer.parseInt(text);
  }
}
