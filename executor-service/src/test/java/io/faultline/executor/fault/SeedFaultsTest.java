package io.faultline.executor.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.faultline.events.catalogue.FaultCatalogue;
import io.faultline.events.catalogue.FaultParameters;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.FaultType;
import io.faultline.executor.fault.document.SsmDocument;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SeedFaultsTest {
  private static final FaultRegistry REGISTRY = FaultRegistry.discover();
  private static final FaultContext CONTEXT =
      new FaultContext(FaultId.of("f-1"), "4bf92f3577b34da6a3ce929d0e0e4736");
  private static final Target HOST =
      new Target("i-0abc12345def67890", Target.EC2_INSTANCE, null, null);

  private static FaultSpec spec(String type, Map<String, ?> raw) {
    FaultParameters parameters = FaultCatalogue.standard().validate(FaultType.of(type), raw);
    return REGISTRY.find(FaultType.of(type)).orElseThrow().spec(parameters);
  }

  @Test
  void registersEveryCatalogueFaultType() {
    assertThat(REGISTRY.types())
        .containsExactlyInAnyOrderElementsOf(FaultCatalogue.standard().types());
  }

  @Test
  void mapsProcessKillTunablesToItsDocumentParameters() {
    FaultSpec spec =
        spec(
            "ec2-process-kill",
            Map.of(
                "PROCESS_IDS",
                "1234,1235",
                "EC2_INSTANCE_TAG",
                "team:app:checkout",
                "INSTANCE_AFFECTED_PERC",
                50,
                "FORCE",
                true,
                "TOTAL_CHAOS_DURATION",
                45,
                "RAMP_TIME",
                5,
                "SEQUENCE",
                "serial"));

    assertThat(spec.inject(HOST, CONTEXT).parameters())
        .containsEntry("Action", "inject")
        .containsEntry("ProcessIds", "1234,1235")
        .containsEntry("Signal", "KILL")
        .containsEntry("DurationSeconds", "45")
        .containsEntry("FaultId", "f-1")
        .containsEntry("TraceId", "4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(spec.rollback(HOST, CONTEXT).action()).isEqualTo("rollback");
    assertThat(spec.selector())
        .isEqualTo(new TargetSelector.InstanceTag("team:app", "checkout", 50));
    assertThat(spec.timing()).isEqualTo(new Timing(5, 45, Timing.Sequence.SERIAL));
  }

  @Test
  void sendsSigtermUnlessForced() {
    FaultSpec spec =
        spec(
            "ec2-process-kill",
            Map.of("PROCESS_IDS", "99", "EC2_INSTANCE_ID", "i-0abc12345def67890"));
    assertThat(spec.inject(HOST, CONTEXT).parameters()).containsEntry("Signal", "TERM");
  }

  @Test
  void mapsHttpResetPeerAndEcsAgentStop() {
    assertThat(
            spec(
                    "ec2-http-reset-peer",
                    Map.of("EC2_INSTANCE_ID", "i-0abc12345def67890", "TARGET_SERVICE_PORT", 8443))
                .inject(HOST, CONTEXT)
                .parameters())
        .containsEntry("TargetPort", "8443")
        .containsEntry("NetworkInterface", "eth0")
        .containsEntry("InstallDependencies", "true");
    FaultSpec ecs = spec("ecs-agent-stop", Map.of("CLUSTER_NAME", "orders"));
    assertThat(ecs.selector()).isEqualTo(new TargetSelector.EcsCluster("orders"));
    assertThat(ecs.verifies()).isTrue();
    assertThat(ecs.inject(HOST, CONTEXT).parameters())
        .containsOnlyKeys("Action", "FaultId", "DurationSeconds", "TraceId");
  }

  @Test
  void refusesHostileDocumentParametersBeforeAnyTransport() {
    SsmDocument document = SsmDocument.forFaultType("ec2-process-kill");
    Map<String, String> values = new LinkedHashMap<>();
    values.put("Action", "inject");
    values.put("FaultId", "f-1");
    values.put("DurationSeconds", "30");
    values.put("TraceId", "");
    values.put("ProcessIds", "1234; rm -rf /");

    assertThatThrownBy(() -> new DocumentCall(document, values))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ProcessIds");
    values.put("ProcessIds", "1234");
    values.put("Proxy", "http://x$(reboot)");
    assertThatThrownBy(() -> new DocumentCall(document, values))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Proxy");
  }

  @Test
  void refusesATraceIdThatIsNotHex() {
    assertThatThrownBy(() -> new FaultContext(FaultId.of("f-2"), "'; reboot #"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
