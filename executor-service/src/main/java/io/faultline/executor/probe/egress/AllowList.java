package io.faultline.executor.probe.egress;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The operator's {@code faultline.executor.probes.allowed-hosts}: host names ({@code
 * prometheus.internal}), name suffixes ({@code *.svc.cluster.local}), IP addresses and CIDR
 * networks. A URL is allowed when its host name is listed or its resolved address lies in a listed
 * network; empty allows nothing.
 */
record AllowList(Set<String> names, Set<String> suffixes, List<Cidr> networks) {
  static final String SETTING = "faultline.executor.probes.allowed-hosts";

  private static final Pattern NAME =
      Pattern.compile(
          "(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

  AllowList {
    names = Set.copyOf(names);
    suffixes = Set.copyOf(suffixes);
    networks = List.copyOf(networks);
  }

  /**
   * Parses the setting's entries; an entry that is none of the four forms is refused naming its
   * index and the rule.
   */
  static AllowList parse(List<String> entries) {
    Set<String> names = new TreeSet<>();
    Set<String> suffixes = new TreeSet<>();
    List<Cidr> networks = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      String raw = entries.get(i) == null ? "" : entries.get(i).trim();
      String entry = raw.toLowerCase(Locale.ROOT);
      String field = SETTING + "[" + i + "]";
      try {
        Optional<Cidr> network = Cidr.parse(entry);
        if (network.isPresent()) {
          networks.add(network.get());
          continue;
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            field + ": '" + raw + "' is not a valid CIDR network: " + e.getMessage(), e);
      }
      if (entry.startsWith("*.") && NAME.matcher(entry.substring(2)).matches()) {
        suffixes.add(entry.substring(1));
      } else if (NAME.matcher(entry).matches()) {
        names.add(entry);
      } else {
        throw new IllegalArgumentException(
            field
                + ": '"
                + raw
                + "' must be a host name, '*.' and a domain, an IP address or a CIDR network");
      }
    }
    return new AllowList(names, suffixes, networks);
  }

  boolean isEmpty() {
    return names.isEmpty() && suffixes.isEmpty() && networks.isEmpty();
  }

  /** Whether a URL naming {@code host} may go to {@code address}, its resolved address. */
  boolean allows(String host, InetAddress address) {
    String name = host.toLowerCase(Locale.ROOT);
    if (names.contains(name) || suffixes.stream().anyMatch(name::endsWith)) {
      return true;
    }
    return networks.stream().anyMatch(network -> network.contains(address));
  }
}
