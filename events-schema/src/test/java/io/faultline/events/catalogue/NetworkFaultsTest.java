package io.faultline.events.catalogue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.faultline.events.ids.FaultType;
import io.faultline.events.validation.ContractViolationException;
import io.faultline.events.validation.Violation;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NetworkFaultsTest {
  private static final String HOST = "i-0abc12345def67890";

  private static FaultParameters validate(String type, Map<String, Object> tunables) {
    Map<String, Object> raw = new HashMap<>(tunables);
    raw.put("EC2_INSTANCE_ID", HOST);
    return FaultCatalogue.standard().validate(FaultType.of(type), raw);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ec2-network-latency", "ec2-network-packet-loss"})
  void defaultsToTheWholeEth0Interface(String type) {
    Map<String, String> values = validate(type, Map.of()).asMap();

    assertThat(values)
        .containsEntry("NETWORK_INTERFACE", "eth0")
        .containsEntry("DESTINATION_IPS", "")
        .containsEntry("DESTINATION_PORTS", "")
        .containsEntry("TOTAL_CHAOS_DURATION", "30");
    if (type.equals("ec2-network-latency")) {
      assertThat(values).containsEntry("NETWORK_LATENCY", "2000").containsEntry("JITTER", "0");
    } else {
      assertThat(values).containsEntry("NETWORK_PACKET_LOSS_PERCENTAGE", "100");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ec2-network-latency", "ec2-network-packet-loss"})
  void acceptsTwentyAddressesOrCidrsAndTenPorts(String type) {
    String ips =
        "10.0.0.1,192.168.0.0/16,0.0.0.0/0,"
            + String.join(",", Collections.nCopies(17, "255.255.255.255/32"));
    String ports = "1,22,443,8080,65535,9999,10000,65530,60000,1024";

    Map<String, String> values =
        validate(type, Map.of("DESTINATION_IPS", ips, "DESTINATION_PORTS", ports)).asMap();

    assertThat(values)
        .containsEntry("DESTINATION_IPS", ips)
        .containsEntry("DESTINATION_PORTS", ports);
  }

  @ParameterizedTest(name = "{0} refuses {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "DESTINATION_IPS|256.0.0.1",
        "DESTINATION_IPS|10.0.0.1/33",
        "DESTINATION_IPS|10.0.0",
        "DESTINATION_IPS|010.0.0.1",
        "DESTINATION_IPS|10.0.0.1 ,10.0.0.2",
        "DESTINATION_IPS|10.0.0.1;reboot",
        "DESTINATION_IPS|example.com",
        "DESTINATION_IPS|10.0.0.1,",
        "DESTINATION_IPS|::1",
        "DESTINATION_PORTS|0",
        "DESTINATION_PORTS|65536",
        "DESTINATION_PORTS|080",
        "DESTINATION_PORTS|80-90",
        "DESTINATION_PORTS|80,$(reboot)",
        "NETWORK_INTERFACE|-eth0",
        "NETWORK_INTERFACE|eth0'"
      })
  void refusesMalformedScopeNamingTheTunableAndRule(String tunable, String value) {
    for (String type : new String[] {"ec2-network-latency", "ec2-network-packet-loss"}) {
      assertThatThrownBy(() -> validate(type, Map.of(tunable, value)))
          .isInstanceOf(ContractViolationException.class)
          .satisfies(
              e ->
                  assertThat(((ContractViolationException) e).violations())
                      .extracting(Violation::path, Violation::rule)
                      .containsExactly(
                          org.assertj.core.groups.Tuple.tuple(
                              "$.parameters." + tunable, "pattern")));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ec2-network-latency", "ec2-network-packet-loss"})
  void refusesMoreThanTwentyDestinationsOrTenPorts(String type) {
    String ips = String.join(",", Collections.nCopies(21, "10.0.0.1"));
    String ports = String.join(",", Collections.nCopies(11, "80"));

    assertThatThrownBy(() -> validate(type, Map.of("DESTINATION_IPS", ips)))
        .hasMessageContaining("DESTINATION_IPS");
    assertThatThrownBy(() -> validate(type, Map.of("DESTINATION_PORTS", ports)))
        .hasMessageContaining("DESTINATION_PORTS");
  }

  @ParameterizedTest(name = "{0}={1} is refused")
  @CsvSource({
    "ec2-network-latency,NETWORK_LATENCY,0",
    "ec2-network-latency,NETWORK_LATENCY,60001",
    "ec2-network-latency,JITTER,-1",
    "ec2-network-latency,JITTER,10001",
    "ec2-network-packet-loss,NETWORK_PACKET_LOSS_PERCENTAGE,0",
    "ec2-network-packet-loss,NETWORK_PACKET_LOSS_PERCENTAGE,101"
  })
  void refusesOutOfBoundsAmounts(String type, String tunable, long value) {
    assertThatThrownBy(() -> validate(type, Map.of(tunable, value)))
        .isInstanceOf(ContractViolationException.class)
        .hasMessageContaining(tunable);
  }
}
