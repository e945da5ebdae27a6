package io.faultline.executor.fault.networkblackhole;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.faultline.events.catalogue.FaultCatalogue;
import io.faultline.events.catalogue.FaultParameters;
import io.faultline.events.ids.FaultId;
import io.faultline.executor.fault.DocumentCall;
import io.faultline.executor.fault.FaultContext;
import io.faultline.executor.fault.FaultRegistry;
import io.faultline.executor.fault.FaultSpec;
import io.faultline.executor.fault.Target;
import io.faultline.executor.fault.TargetSelector;
import io.faultline.executor.fault.Timing;
import io.faultline.executor.fault.document.SsmDocument;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NetworkBlackholeFaultTest {
  private static final Target HOST =
      new Target("i-0abc12345def67890", Target.EC2_INSTANCE, null, null);
  private static final FaultContext GUARDED =
      new FaultContext(FaultId.of("f-1"), "", List.of("10.20.0.0/16", "192.168.7.9"));

  private static FaultSpec spec(Map<String, ?> raw) {
    FaultParameters parameters =
        FaultCatalogue.standard().validate(NetworkBlackholeFault.TYPE, raw);
    return FaultRegistry.discover().find(NetworkBlackholeFault.TYPE).orElseThrow().spec(parameters);
  }

  @Test
  void mapsEveryTunableAndTheGuardsProtectedDestinationsToTheDocument() {
    FaultSpec spec =
        spec(
            Map.of(
                "EC2_INSTANCE_TAG", "team:db",
                "DESTINATION_IPS", "10.0.3.7,172.16.0.0/12",
                "DESTINATION_HOSTS", "db.internal",
                "DESTINATION_PORTS", "5432,6432",
                "PROTOCOL", "tcp",
                "TOTAL_CHAOS_DURATION", 45,
                "INSTALL_DEPENDENCIES", false));

    assertThat(spec.inject(HOST, GUARDED).parameters())
        .containsEntry("Action", "inject")
        .containsEntry("DestinationIps", "10.0.3.7,172.16.0.0/12")
        .containsEntry("DestinationHosts", "db.internal")
        .containsEntry("DestinationPorts", "5432,6432")
        .containsEntry("Protocol", "tcp")
        .containsEntry("ProtectedDestinations", "10.20.0.0/16,192.168.7.9")
        .containsEntry("InstallDependencies", "false")
        .containsEntry("DurationSeconds", "45");
    assertThat(spec.rollback(HOST, GUARDED).action()).isEqualTo("rollback");
    assertThat(spec.selector()).isEqualTo(new TargetSelector.InstanceTag("team", "db", 0));
  }

  @Test
  void protectsNothingWhenTheContextProtectsNothing() {
    FaultSpec spec =
        spec(Map.of("EC2_INSTANCE_ID", "i-0abc12345def67890", "DESTINATION_HOSTS", "db"));

    assertThat(spec.inject(HOST, new FaultContext(FaultId.of("f-2"), "")).parameters())
        .containsEntry("ProtectedDestinations", "")
        .containsEntry("DestinationIps", "")
        .containsEntry("DestinationPorts", "")
        .containsEntry("Protocol", "all");
  }

  @Test
  void refusesAProtectedDestinationThatIsNotAnAddressOrCidr() {
    assertThatThrownBy(
            () -> new FaultContext(FaultId.of("f-3"), "", List.of("10.0.0.0/8", "10.0.0.1;reboot")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("10.0.0.1;reboot");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "DestinationIps|10.0.0.1;reboot",
        "DestinationIps|10.0.0.300",
        "DestinationHosts|-oProxyCommand=x",
        "DestinationHosts|db'.internal",
        "DestinationHosts|$(reboot)",
        "DestinationPorts|0",
        "DestinationPorts|80 443",
        "Protocol|icmp",
        "ProtectedDestinations|10.0.0.0/8,",
        "ProtectedDestinations|'0.0.0.0/0 '"
      })
  void theDocumentRefusesHostileValuesNamingTheParameter(String parameter, String value) {
    Map<String, String> values =
        new HashMap<>(
            spec(Map.of("EC2_INSTANCE_ID", "i-0abc12345def67890", "DESTINATION_IPS", "10.0.0.1"))
                .inject(HOST, GUARDED)
                .parameters());
    values.put(parameter, value);

    assertThatThrownBy(
            () -> new DocumentCall(SsmDocument.forFaultType("ec2-network-blackhole"), values))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(parameter);
  }

  @Test
  void specRefusesWhatTheCatalogueWouldHaveRefused() {
    TargetSelector selector = new TargetSelector.InstanceTag("team", "db", 0);
    Timing timing = new Timing(0, 30, Timing.Sequence.PARALLEL);
    assertThatThrownBy(
            () ->
                new NetworkBlackholeSpec(
                    selector, timing, List.of(), List.of(), List.of(), "all", true, ""))
        .hasMessageContaining("DESTINATION_IPS, DESTINATION_HOSTS");
    assertThatThrownBy(
            () ->
                new NetworkBlackholeSpec(
                    selector, timing, List.of("10.0.0.1"), List.of(), List.of(80), "all", true, ""))
        .hasMessageContaining("PROTOCOL tcp or udp");
    assertThatThrownBy(
            () ->
                new NetworkBlackholeSpec(
                    selector, timing, List.of("10.0.0.1;x"), List.of(), List.of(), "all", true, ""))
        .hasMessageContaining("DESTINATION_IPS");
  }

  @ParameterizedTest
  @CsvSource({
    "DESTINATION_IPS, DestinationIps",
    "DESTINATION_HOSTS, DestinationHosts",
    "DESTINATION_PORTS, DestinationPorts"
  })
  void theDocumentAllowsExactlyWhatTheCatalogueAllowsOrNothing(String tunable, String parameter) {
    String catalogue =
        FaultCatalogue.standard()
            .find(NetworkBlackholeFault.TYPE)
            .orElseThrow()
            .parameter(tunable)
            .orElseThrow()
            .allowedPattern();
    String inner = catalogue.substring(1, catalogue.length() - 1);

    assertThat(
            SsmDocument.forFaultType("ec2-network-blackhole")
                .parameters()
                .get(parameter)
                .allowedPattern())
        .isEqualTo("^(" + inner + ")?$");
  }
}
