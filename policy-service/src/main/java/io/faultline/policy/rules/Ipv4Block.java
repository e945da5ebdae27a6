package io.faultline.policy.rules;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An IPv4 address or CIDR block as a first address and a prefix length; an address is a /32.
 *
 * @param text the block as written, for messages
 */
record Ipv4Block(String text, long first, int prefix) {
  private static final Pattern FORM =
      Pattern.compile(
          "^([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})(/([0-9]{1,2}))?$");

  /**
   * Parses {@code a.b.c.d} or {@code a.b.c.d/n}; host bits of a CIDR are ignored, as iptables does.
   *
   * @throws IllegalArgumentException when it is neither
   */
  static Ipv4Block parse(String text) {
    Matcher m = FORM.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not an IPv4 address or CIDR");
    }
    long address = 0;
    for (int i = 1; i <= 4; i++) {
      int octet = Integer.parseInt(m.group(i));
      if (octet > 255) {
        throw new IllegalArgumentException("'" + text + "' has an octet above 255");
      }
      address = (address << 8) | octet;
    }
    int prefix = m.group(6) == null ? 32 : Integer.parseInt(m.group(6));
    if (prefix > 32) {
      throw new IllegalArgumentException("'" + text + "' has a prefix above /32");
    }
    return new Ipv4Block(text.strip(), address & mask(prefix), prefix);
  }

  /** Whether some address lies in both blocks: the shorter prefix's network holds the other. */
  boolean overlaps(Ipv4Block other) {
    long mask = mask(Math.min(prefix, other.prefix));
    return (first & mask) == (other.first & mask);
  }

  private static long mask(int prefix) {
    return prefix == 0 ? 0 : (0xFFFF_FFFFL << (32 - prefix)) & 0xFFFF_FFFFL;
  }
}
