package io.faultline.executor.probe.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AllowListTest {
  private static InetAddress ip(String text) {
    return IpLiteral.parse(text).orElseThrow();
  }

  @Test
  void isEmptyByDefault() {
    assertThat(new EgressSettings(null).allowedHosts()).isEmpty();
    assertThat(new EgressSettings(null).allowList().isEmpty()).isTrue();
  }

  @Test
  void readsNamesSuffixesAddressesAndNetworks() {
    AllowList list =
        AllowList.parse(
            List.of(
                "Prometheus.Internal",
                "*.svc.cluster.local",
                "10.0.4.12",
                "10.8.0.0/16",
                "fd12::/16"));

    assertThat(list.names()).isEqualTo(Set.of("prometheus.internal"));
    assertThat(list.allows("prometheus.internal", ip("192.0.2.1"))).isTrue();
    assertThat(list.allows("api.prod.svc.cluster.local", ip("192.0.2.1"))).isTrue();
    assertThat(list.allows("svc.cluster.local", ip("192.0.2.1"))).isFalse();
    assertThat(list.allows("other.internal", ip("10.0.4.12"))).isTrue();
    assertThat(list.allows("other.internal", ip("10.0.4.13"))).isFalse();
    assertThat(list.allows("10.8.255.1", ip("10.8.255.1"))).isTrue();
    assertThat(list.allows("10.9.0.1", ip("10.9.0.1"))).isFalse();
    assertThat(list.allows("x", ip("fd12:3::1"))).isTrue();
    assertThat(list.allows("x", ip("fd13::1"))).isFalse();
  }

  @Test
  void refusesAnEntryNamingItsIndexAndTheRule() {
    assertThatThrownBy(() -> new EgressSettings(List.of("10.0.0.1", "http://api.internal")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "faultline.executor.probes.allowed-hosts[1]: 'http://api.internal' must be a host name, '*.'"
                + " and a domain, an IP address or a CIDR network");
    assertThatThrownBy(() -> AllowList.parse(List.of("10.0.0.0/33")))
        .hasMessage(
            "faultline.executor.probes.allowed-hosts[0]: '10.0.0.0/33' is not a valid CIDR network: prefix"
                + " length must be 0..32");
    assertThatThrownBy(() -> AllowList.parse(List.of("")))
        .hasMessageStartingWith(
            "faultline.executor.probes.allowed-hosts[0]: '' must be a host name");
    assertThatThrownBy(() -> AllowList.parse(List.of("*")))
        .hasMessageStartingWith(
            "faultline.executor.probes.allowed-hosts[0]: '*' must be a host name");
  }

  @Test
  void parsesOnlyStrictIpLiteralsWithoutAResolver() {
    assertThat(IpLiteral.parse("10.0.0.5")).contains(ip("10.0.0.5"));
    assertThat(IpLiteral.parse("[::1]")).isPresent();
    assertThat(IpLiteral.parse("127.1")).isEmpty();
    assertThat(IpLiteral.parse("2130706433")).isEmpty();
    assertThat(IpLiteral.parse("example.com")).isEmpty();
  }

  @Test
  void forbidsTheFixedRangesAndTheHostsOwnAddresses() {
    ForbiddenAddresses forbidden = new ForbiddenAddresses(() -> Set.of(ip("10.1.2.3")));

    assertThat(forbidden.why(ip("169.254.169.254"))).contains("is the instance metadata address");
    assertThat(forbidden.why(ip("fd00:ec2::254"))).contains("is the instance metadata address");
    assertThat(forbidden.why(ip("127.0.0.53"))).contains("is a loopback address");
    assertThat(forbidden.why(ip("fe80::abcd"))).contains("is a link-local address");
    assertThat(forbidden.why(ip("0.0.0.0"))).contains("is an unspecified address");
    assertThat(forbidden.why(ip("255.255.255.255")))
        .contains("is a multicast or broadcast address");
    assertThat(forbidden.why(ip("ff02::1"))).contains("is a multicast or broadcast address");
    assertThat(forbidden.why(ip("10.1.2.3"))).contains("is an address of the executor's own host");
    assertThat(forbidden.why(ip("10.1.2.4"))).isEmpty();
    assertThat(forbidden.why(ip("fd00:ec2::253"))).isEmpty();
  }
}
