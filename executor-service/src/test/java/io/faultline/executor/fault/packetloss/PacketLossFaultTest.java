package io.faultline.executor.fault.packetloss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.faultline.events.catalogue.FaultCatalogue;
import io.faultline.events.catalogue.ParameterSpec;
import io.faultline.events.ids.FaultId;
import io.faultline.executor.fault.FaultContext;
import io.faultline.executor.fault.FaultSpec;
import io.faultline.executor.fault.Target;
import io.faultline.executor.fault.TargetSelector;
import io.faultline.executor.fault.document.SsmDocument;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PacketLossFaultTest {
  private static final SsmDocument DOCUMENT = SsmDocument.forFaultType("ec2-network-packet-loss");
  private static final FaultContext CONTEXT = new FaultContext(FaultId.of("f-1"), "");
  private static final Target HOST =
      new Target("i-0abc12345def67890", Target.EC2_INSTANCE, null, null);

  private static FaultSpec spec(Map<String, ?> raw) {
    return new PacketLossFault()
        .spec(FaultCatalogue.standard().validate(PacketLossFault.TYPE, raw));
  }

  @Test
  void mapsEveryTunableToTheDocumentParameters() {
    FaultSpec spec =
        spec(
            Map.of(
                "EC2_INSTANCE_TAG",
                "app:web",
                "INSTANCE_AFFECTED_PERC",
                50,
                "NETWORK_INTERFACE",
                "ens5",
                "DESTINATION_IPS",
                "10.0.0.0/16,10.1.2.3",
                "DESTINATION_PORTS",
                "443,5432",
                "NETWORK_PACKET_LOSS_PERCENTAGE",
                35,
                "TOTAL_CHAOS_DURATION",
                90,
                "INSTALL_DEPENDENCIES",
                false,
                "PROXY",
                "https_proxy=http://proxy.internal:3128"));

    assertThat(spec.inject(HOST, CONTEXT).parameters())
        .containsEntry("Action", "inject")
        .containsEntry("NetworkInterface", "ens5")
        .containsEntry("DestinationIps", "10.0.0.0/16,10.1.2.3")
        .containsEntry("DestinationPorts", "443,5432")
        .containsEntry("LossPercent", "35")
        .containsEntry("DurationSeconds", "90")
        .containsEntry("InstallDependencies", "false")
        .containsEntry("Proxy", "https_proxy=http://proxy.internal:3128");
    assertThat(spec.rollback(HOST, CONTEXT).parameters()).containsEntry("Action", "rollback");
    assertThat(spec.selector()).isEqualTo(new TargetSelector.InstanceTag("app", "web", 50));
    DOCUMENT.validate(spec.inject(HOST, CONTEXT).parameters());
  }

  @Test
  void defaultsToLosingEveryPacketOnTheWholeEth0() {
    Map<String, String> values =
        spec(Map.of("EC2_INSTANCE_ID", "i-0abc12345def67890")).inject(HOST, CONTEXT).parameters();

    assertThat(values)
        .containsEntry("NetworkInterface", "eth0")
        .containsEntry("DestinationIps", "")
        .containsEntry("DestinationPorts", "")
        .containsEntry("LossPercent", "100")
        .containsEntry("InstallDependencies", "true");
    assertThat(DOCUMENT.validate(values)).containsAllEntriesOf(values);
  }

  @Test
  void documentPatternsAreTheCataloguesAcceptingEmptyForEverything() {
    for (String[] pair :
        new String[][] {
          {"DESTINATION_IPS", "DestinationIps"}, {"DESTINATION_PORTS", "DestinationPorts"}
        }) {
      String catalogue = cataloguePattern(pair[0]);
      assertThat(DOCUMENT.parameters().get(pair[1]).allowedPattern())
          .isEqualTo("^(" + catalogue.substring(1, catalogue.length() - 1) + ")?$");
    }
    assertThat(DOCUMENT.parameters().get("NetworkInterface").allowedPattern())
        .isEqualTo(cataloguePattern("NETWORK_INTERFACE"));
  }

  private static String cataloguePattern(String name) {
    return FaultCatalogue.standard()
        .find(PacketLossFault.TYPE)
        .flatMap(spec -> spec.parameter(name))
        .map(ParameterSpec::allowedPattern)
        .orElseThrow();
  }

  @ParameterizedTest(name = "{0}={1} is refused")
  @CsvSource(
      delimiter = '|',
      value = {
        "LossPercent|0",
        "LossPercent|101",
        "LossPercent|050",
        "LossPercent|''",
        "LossPercent|50%",
        "DestinationIps|256.1.1.1",
        "DestinationIps|10.0.0.1/33",
        "DestinationIps|10.0.0.1;reboot",
        "DestinationIps|10.0.0.*",
        "DestinationPorts|0",
        "DestinationPorts|65536",
        "DestinationPorts|443 80",
        "NetworkInterface|eth0'",
        "NetworkInterface|$(reboot)"
      })
  void documentRefusesBadValuesNamingTheParameter(String parameter, String value) {
    Map<String, String> values = new HashMap<>(Map.of("Action", "inject", "FaultId", "f-1"));
    values.put(parameter, value);

    assertThatThrownBy(() -> DOCUMENT.render(values))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + parameter + "'");
  }

  @Test
  void documentRefusesMoreThanTwentyDestinationsOrTenPorts() {
    Map<String, String> values = new HashMap<>(Map.of("Action", "inject", "FaultId", "f-1"));
    values.put("DestinationIps", String.join(",", Collections.nCopies(21, "10.0.0.1")));
    assertThatThrownBy(() -> DOCUMENT.render(values)).hasMessageContaining("'DestinationIps'");
    values.put("DestinationIps", String.join(",", Collections.nCopies(20, "10.0.0.1")));
    values.put("DestinationPorts", String.join(",", Collections.nCopies(11, "80")));
    assertThatThrownBy(() -> DOCUMENT.render(values)).hasMessageContaining("'DestinationPorts'");
    values.put("DestinationPorts", String.join(",", Collections.nCopies(10, "80")));
    assertThat(DOCUMENT.render(values)).isNotEmpty();
  }
}
