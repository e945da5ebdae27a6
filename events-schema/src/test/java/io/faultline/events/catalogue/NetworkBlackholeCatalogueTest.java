package io.faultline.events.catalogue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.faultline.events.ids.FaultType;
import io.faultline.events.validation.ContractViolationException;
import io.faultline.events.validation.Violation;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NetworkBlackholeCatalogueTest {
  private static final FaultType TYPE = FaultType.of("ec2-network-blackhole");
  private static final FaultCatalogue CATALOGUE = FaultCatalogue.standard();

  private static Map<String, Object> request(Object... pairs) {
    Map<String, Object> raw = new HashMap<>();
    raw.put("EC2_INSTANCE_ID", "i-0abc12345def67890");
    for (int i = 0; i < pairs.length; i += 2) {
      raw.put((String) pairs[i], pairs[i + 1]);
    }
    return raw;
  }

  /** rule → message of every violation. */
  private static Map<String, String> violations(Map<String, Object> raw) {
    try {
      CATALOGUE.validate(TYPE, raw);
    } catch (ContractViolationException e) {
      return e.violations().stream()
          .collect(Collectors.toMap(Violation::rule, Violation::message, (a, b) -> a + "; " + b));
    }
    return Map.of();
  }

  @Test
  void acceptsAddressesCidrsHostsPortsAndFillsDefaults() {
    FaultParameters parameters =
        CATALOGUE.validate(
            TYPE,
            request(
                "DESTINATION_IPS", "10.0.3.7,10.1.0.0/16",
                "DESTINATION_HOSTS", "db.internal,api-1.example.com",
                "DESTINATION_PORTS", "443,5432",
                "PROTOCOL", "TCP"));

    assertThat(parameters.text("PROTOCOL")).contains("tcp");
    assertThat(parameters.text("DESTINATION_PORTS")).contains("443,5432");
    assertThat(parameters.text("TOTAL_CHAOS_DURATION")).contains("30");
    assertThat(CATALOGUE.validate(TYPE, request("DESTINATION_HOSTS", "db")).text("PROTOCOL"))
        .contains("all");
  }

  @Test
  void refusesARequestWithoutAnyDestinationNamingBothTunablesAndWhy() {
    assertThat(violations(request()))
        .containsOnlyKeys("atLeastOneOf")
        .extractingByKey("atLeastOneOf")
        .asString()
        .contains("DESTINATION_IPS, DESTINATION_HOSTS", "cut the host off from SSM");
    assertThat(violations(request("DESTINATION_IPS", "", "DESTINATION_HOSTS", "")))
        .containsKey("atLeastOneOf");
  }

  @Test
  void refusesPortsUnlessTheProtocolIsTcpOrUdp() {
    assertThat(violations(request("DESTINATION_IPS", "10.0.0.1", "DESTINATION_PORTS", "443")))
        .containsOnlyKeys("onlyWithValue")
        .extractingByKey("onlyWithValue")
        .asString()
        .contains("DESTINATION_PORTS", "PROTOCOL", "[tcp, udp]", "'all'");
    assertThat(
            violations(
                request(
                    "DESTINATION_IPS", "10.0.0.1", "DESTINATION_PORTS", "53", "PROTOCOL", "udp")))
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "10.0.0.256",
        "10.0.0.1/33",
        "010.0.0.1",
        "10.0.0",
        "10.0.0.1 ",
        "10.0.0.1;reboot",
        "10.0.0.1,,10.0.0.2",
        "1.1.1.1,1.1.1.2,1.1.1.3,1.1.1.4,1.1.1.5,1.1.1.6,1.1.1.7,1.1.1.8,1.1.1.9,1.1.1.10,"
            + "1.1.1.11,1.1.1.12,1.1.1.13,1.1.1.14,1.1.1.15,1.1.1.16,1.1.1.17,1.1.1.18,1.1.1.19,"
            + "1.1.1.20,1.1.1.21"
      })
  void refusesMalformedOrTooManyAddresses(String value) {
    assertThat(violations(request("DESTINATION_IPS", value)).get("pattern"))
        .contains("DESTINATION_IPS");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "-db.internal",
        "db..internal",
        "db.internal.",
        "db_internal",
        "db internal",
        "$(reboot)",
        "db.internal,-x",
        "a,b,c,d,e,f,g,h,i,j,k"
      })
  void refusesHostNamesThatAreNotStrictDnsNames(String value) {
    assertThat(violations(request("DESTINATION_HOSTS", value)).get("pattern"))
        .contains("DESTINATION_HOSTS");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "65536", "80,", "1,2,3,4,5,6,7,8,9,10,11", "80-90"})
  void refusesPortsOutOfRangeOrTooMany(String value) {
    Map<String, Object> raw = request("DESTINATION_IPS", "10.0.0.1", "PROTOCOL", "tcp");
    raw.put("DESTINATION_PORTS", value);
    assertThat(violations(raw).get("pattern")).contains("DESTINATION_PORTS");
  }

  @Test
  void refusesAnUnknownProtocol() {
    assertThatThrownBy(
            () ->
                CATALOGUE.validate(
                    TYPE, request("DESTINATION_IPS", "10.0.0.1", "PROTOCOL", "icmp")))
        .isInstanceOf(ContractViolationException.class)
        .hasMessageContaining("PROTOCOL must be one of [tcp, udp, all]");
  }
}
