package io.faultline.executor.fault.cpustress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.faultline.events.catalogue.FaultCatalogue;
import io.faultline.events.catalogue.FaultParameters;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.FaultType;
import io.faultline.executor.fault.FaultContext;
import io.faultline.executor.fault.FaultSpec;
import io.faultline.executor.fault.Target;
import io.faultline.executor.fault.TargetSelector;
import io.faultline.executor.fault.Timing;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CpuStressFaultTest {
  private static final FaultContext CONTEXT =
      new FaultContext(FaultId.of("f-1"), "4bf92f3577b34da6a3ce929d0e0e4736");
  private static final Target HOST =
      new Target("i-0abc12345def67890", Target.EC2_INSTANCE, null, null);

  private static FaultSpec spec(Map<String, ?> raw) {
    FaultParameters parameters =
        FaultCatalogue.standard().validate(FaultType.of("ec2-cpu-stress"), raw);
    return new CpuStressFault().spec(parameters);
  }

  @Test
  void mapsEveryTunableToItsDocumentParameter() {
    FaultSpec spec =
        spec(
            Map.of(
                "EC2_INSTANCE_TAG", "team:web",
                "INSTANCE_AFFECTED_PERC", 50,
                "CPU_LOAD", 75,
                "CPU_CORES", 4,
                "INSTALL_DEPENDENCIES", false,
                "PROXY", "https_proxy=http://proxy.internal:3128",
                "TOTAL_CHAOS_DURATION", 90,
                "RAMP_TIME", 5,
                "SEQUENCE", "serial"));

    assertThat(spec.inject(HOST, CONTEXT).parameters())
        .containsEntry("Action", "inject")
        .containsEntry("CpuLoad", "75")
        .containsEntry("CpuCores", "4")
        .containsEntry("InstallDependencies", "false")
        .containsEntry("Proxy", "https_proxy=http://proxy.internal:3128")
        .containsEntry("DurationSeconds", "90");
    assertThat(spec.rollback(HOST, CONTEXT).action()).isEqualTo("rollback");
    assertThat(spec.selector()).isEqualTo(new TargetSelector.InstanceTag("team", "web", 50));
    assertThat(spec.timing()).isEqualTo(new Timing(5, 90, Timing.Sequence.SERIAL));
  }

  @Test
  void loadsEveryCoreFullyByDefault() {
    assertThat(
            spec(Map.of("EC2_INSTANCE_ID", "i-0abc12345def67890"))
                .inject(HOST, CONTEXT)
                .parameters())
        .containsEntry("CpuLoad", "100")
        .containsEntry("CpuCores", "0")
        .containsEntry("InstallDependencies", "true")
        .containsEntry("Proxy", "");
  }

  @Test
  void refusesLoadsAndCoreCountsOutsideTheirBoundsNamingTheTunable() {
    assertThatThrownBy(() -> spec(Map.of("EC2_INSTANCE_ID", "i-0abc12345def67890", "CPU_LOAD", 0)))
        .hasMessageContaining("CPU_LOAD");
    assertThatThrownBy(
            () -> spec(Map.of("EC2_INSTANCE_ID", "i-0abc12345def67890", "CPU_CORES", 257)))
        .hasMessageContaining("CPU_CORES");
  }
}
