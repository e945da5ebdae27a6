package io.faultline.executor.probe.egress;

import java.net.InetAddress;
import java.util.Optional;

/** An IPv4 or IPv6 network: the first {@code prefix} bits of {@code network}. */
record Cidr(InetAddress network, int prefix) {
  Cidr {
    int bits = network.getAddress().length * 8;
    if (prefix < 0 || prefix > bits) {
      throw new IllegalArgumentException("prefix length must be 0.." + bits);
    }
  }

  /** {@code 10.0.0.0/8}, {@code fe80::/10}, or one address ({@code 10.1.2.3} = {@code /32}). */
  static Optional<Cidr> parse(String text) {
    int slash = text.indexOf('/');
    String address = slash < 0 ? text : text.substring(0, slash);
    Optional<InetAddress> parsed = IpLiteral.parse(address);
    if (parsed.isEmpty()) {
      return Optional.empty();
    }
    int bits = parsed.get().getAddress().length * 8;
    if (slash < 0) {
      return Optional.of(new Cidr(parsed.get(), bits));
    }
    String length = text.substring(slash + 1);
    if (!length.matches("\\d{1,3}") || Integer.parseInt(length) > bits) {
      throw new IllegalArgumentException("prefix length must be 0.." + bits);
    }
    return Optional.of(new Cidr(parsed.get(), Integer.parseInt(length)));
  }

  boolean contains(InetAddress address) {
    byte[] net = network.getAddress();
    byte[] candidate = address.getAddress();
    if (net.length != candidate.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (net[i] != candidate[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = 0xff << (8 - rest);
    return (net[full] & mask) == (candidate[full] & mask);
  }

  @Override
  public String toString() {
    return network.getHostAddress() + "/" + prefix;
  }
}
