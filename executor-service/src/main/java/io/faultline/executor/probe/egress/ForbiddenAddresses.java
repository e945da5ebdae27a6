package io.faultline.executor.probe.egress;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Addresses no probe may reach whatever the allow-list says: a tenant-supplied URL must not become
 * a way into the executor's host, its instance metadata (credentials) or its own endpoints.
 */
final class ForbiddenAddresses {
  private static final Cidr METADATA_V4 = network("169.254.169.254/32");
  private static final Cidr METADATA_V6 = network("fd00:ec2::254/128");
  private static final List<Cidr> LINK_LOCAL =
      List.of(network("169.254.0.0/16"), network("fe80::/10"));
  private static final List<Cidr> THIS_NETWORK = List.of(network("0.0.0.0/8"));
  private static final Cidr BROADCAST = network("255.255.255.255/32");

  private final Supplier<Set<InetAddress>> ownAddresses;

  ForbiddenAddresses(Supplier<Set<InetAddress>> ownAddresses) {
    this.ownAddresses = ownAddresses;
  }

  /** Refuses, besides the fixed ranges, the addresses of this host's network interfaces. */
  static ForbiddenAddresses withThisHost() {
    return new ForbiddenAddresses(ForbiddenAddresses::interfaceAddresses);
  }

  /** Why {@code address} may never be reached, or empty when it may. */
  Optional<String> why(InetAddress address) {
    if (METADATA_V4.contains(address) || METADATA_V6.contains(address)) {
      return Optional.of("is the instance metadata address");
    }
    if (address.isLoopbackAddress()) {
      return Optional.of("is a loopback address");
    }
    if (address.isLinkLocalAddress() || LINK_LOCAL.stream().anyMatch(n -> n.contains(address))) {
      return Optional.of("is a link-local address");
    }
    if (address.isAnyLocalAddress() || THIS_NETWORK.stream().anyMatch(n -> n.contains(address))) {
      return Optional.of("is an unspecified address");
    }
    if (address.isMulticastAddress() || BROADCAST.contains(address)) {
      return Optional.of("is a multicast or broadcast address");
    }
    if (address instanceof Inet6Address v6 && embeddedIpv4(v6).isPresent()) {
      // ::ffff:a.b.c.d (Java turns most into Inet4Address already) and ::a.b.c.d: judge the IPv4.
      return why(embeddedIpv4(v6).get()).map(reason -> reason + " (as an IPv4 inside IPv6)");
    }
    if (ownAddresses.get().contains(address)) {
      return Optional.of("is an address of the executor's own host");
    }
    return Optional.empty();
  }

  private static Optional<InetAddress> embeddedIpv4(Inet6Address address) {
    byte[] bytes = address.getAddress();
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return Optional.empty();
      }
    }
    boolean mapped = bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    boolean compatible = bytes[10] == 0 && bytes[11] == 0;
    if (!mapped && !compatible) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          InetAddress.getByAddress(new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]}));
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Set<InetAddress> interfaceAddresses() {
    try {
      return NetworkInterface.networkInterfaces()
          .flatMap(NetworkInterface::inetAddresses)
          .map(ForbiddenAddresses::withoutScope)
          .collect(Collectors.toUnmodifiableSet());
    } catch (SocketException e) {
      throw new IllegalStateException("cannot list this host's network interfaces", e);
    }
  }

  // fe80::1%eth0 and fe80::1 must compare equal.
  private static InetAddress withoutScope(InetAddress address) {
    try {
      return InetAddress.getByAddress(address.getAddress());
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Cidr network(String text) {
    return Cidr.parse(text).orElseThrow();
  }
}
