package io.faultline.policy.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.faultline.events.catalogue.FaultCatalogue;
import io.faultline.events.catalogue.FaultParameters;
import io.faultline.events.ids.FaultType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProtectedDestinationsTest {
  private static final List<String> PROTECTED = List.of("10.20.0.0/16", "192.168.7.9");

  private static FaultParameters blackhole(String ips) {
    return FaultCatalogue.standard()
        .validate(
            FaultType.of("ec2-network-blackhole"),
            Map.of("EC2_INSTANCE_ID", "i-0abc12345def67890", "DESTINATION_IPS", ips));
  }

  @ParameterizedTest
  @CsvSource({
    "10.20.0.0/16, 10.20.255.255, true",
    "10.20.0.0/16, 10.21.0.0, false",
    "10.20.0.0/16, 10.0.0.0/8, true",
    "10.20.0.0/16, 10.20.3.0/24, true",
    "10.20.0.0/16, 10.20.3.77/24, true",
    "192.168.7.9, 192.168.7.9, true",
    "192.168.7.9, 192.168.7.8/31, true",
    "192.168.7.9, 192.168.7.10/31, false",
    "0.0.0.0/0, 203.0.113.1, true",
    "255.255.255.255, 255.255.255.254, false"
  })
  void blocksOverlapWhenTheShorterPrefixHoldsTheOther(String a, String b, boolean overlap) {
    assertThat(Ipv4Block.parse(a).overlaps(Ipv4Block.parse(b))).isEqualTo(overlap);
    assertThat(Ipv4Block.parse(b).overlaps(Ipv4Block.parse(a))).isEqualTo(overlap);
  }

  @Test
  void refusesWhatIsNotAnIpv4AddressOrCidr() {
    for (String bad : List.of("10.0.0", "10.0.0.256", "10.0.0.1/33", "db.internal", "::1")) {
      assertThatThrownBy(() -> Ipv4Block.parse(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(bad);
    }
  }

  @Test
  void namesTheTunableTheValueAndTheProtectedEntryOfEachOverlap() {
    assertThat(
            ProtectedDestinations.overlaps(
                blackhole("172.16.0.1,10.20.30.40,192.168.0.0/16"), PROTECTED))
        .containsExactly(
            "DESTINATION_IPS 10.20.30.40 overlaps protected destination 10.20.0.0/16",
            "DESTINATION_IPS 192.168.0.0/16 overlaps protected destination 192.168.7.9");
  }

  @Test
  void findsNothingWithoutOverlapOrWithoutAddresses() {
    assertThat(ProtectedDestinations.overlaps(blackhole("10.21.0.0/16,192.168.7.10"), PROTECTED))
        .isEmpty();
    assertThat(ProtectedDestinations.overlaps(blackhole("10.20.0.1"), List.of())).isEmpty();
    FaultParameters hostsOnly =
        FaultCatalogue.standard()
            .validate(
                FaultType.of("ec2-network-blackhole"),
                Map.of("EC2_INSTANCE_ID", "i-0abc12345def67890", "DESTINATION_HOSTS", "db"));
    assertThat(ProtectedDestinations.overlaps(hostsOnly, PROTECTED)).isEmpty();
  }

  @Test
  void refusesWhatItCannotCheckRatherThanLettingItThrough() {
    assertThat(
            ProtectedDestinations.overlaps(blackhole("10.21.0.1"), List.of("10.20.0.0/16", "db")))
        .containsExactly(
            "protected destination 'db' is not an IPv4 address or CIDR and cannot be checked");
  }
}
