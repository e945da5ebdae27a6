package io.faultline.executor.probe.egress;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Decides where a probe URL may go: only http/https, no credentials in the URL, the host on the
 * allow-list, every resolved address outside the always-refused ones; the address returned is the
 * one to connect to.
 */
final class EgressGuard {
  private final AllowList allowList;
  private final ForbiddenAddresses forbidden;
  private final HostResolver resolver;

  EgressGuard(AllowList allowList, ForbiddenAddresses forbidden, HostResolver resolver) {
    this.allowList = allowList;
    this.forbidden = forbidden;
    this.resolver = resolver;
  }

  Destination check(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new EgressRefused("only http and https URLs are called, not '" + scheme + "'");
    }
    if (uri.getRawUserInfo() != null) {
      throw new EgressRefused("a URL carrying credentials (user info) is never called");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new EgressRefused("the URL has no host");
    }
    if (allowList.isEmpty()) {
      throw new EgressRefused(
          "no host is allowed: " + AllowList.SETTING + " is empty (an operator must list hosts)");
    }
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    List<InetAddress> addresses = resolve(bare);
    for (InetAddress address : addresses) {
      Optional<String> why = forbidden.why(address);
      if (why.isPresent()) {
        throw new EgressRefused(
            describe(bare, address)
                + " "
                + why.get()
                + ", refused whatever "
                + AllowList.SETTING
                + " says");
      }
    }
    // Every resolved address passed; the first one is the one connected to.
    InetAddress address = addresses.getFirst();
    if (!allowList.allows(bare, address)) {
      throw new EgressRefused(describe(bare, address) + " is not in " + AllowList.SETTING);
    }
    boolean https = scheme.equals("https");
    int port = uri.getPort() >= 0 ? uri.getPort() : https ? 443 : 80;
    return new Destination(uri, bare, port, https, address);
  }

  private List<InetAddress> resolve(String host) {
    Optional<InetAddress> literal = IpLiteral.parse(host);
    if (literal.isPresent()) {
      return List.of(literal.get());
    }
    try {
      List<InetAddress> addresses = resolver.resolve(host);
      if (addresses.isEmpty()) {
        throw new EgressFailed(host + " resolves to no address");
      }
      return addresses;
    } catch (UnknownHostException e) {
      throw new EgressFailed(host + " cannot be resolved");
    }
  }

  private static String describe(String host, InetAddress address) {
    String ip = address.getHostAddress();
    return host.equalsIgnoreCase(ip) ? ip : host + " (" + ip + ")";
  }
}
