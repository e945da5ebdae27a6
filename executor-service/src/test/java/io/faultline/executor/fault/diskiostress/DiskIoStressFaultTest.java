package io.faultline.executor.fault.diskiostress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.faultline.events.catalogue.FaultCatalogue;
import io.faultline.events.catalogue.FaultParameters;
import io.faultline.events.catalogue.ParameterSpec;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.FaultType;
import io.faultline.events.validation.ContractViolationException;
import io.faultline.executor.fault.FaultContext;
import io.faultline.executor.fault.FaultSpec;
import io.faultline.executor.fault.Target;
import io.faultline.executor.fault.TargetSelector;
import io.faultline.executor.fault.Timing;
import io.faultline.executor.fault.document.SsmDocument;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiskIoStressFaultTest {
  private static final FaultType TYPE = FaultType.of("ec2-disk-io-stress");
  private static final FaultContext CONTEXT =
      new FaultContext(FaultId.of("f-1"), "4bf92f3577b34da6a3ce929d0e0e4736");
  private static final Target HOST =
      new Target("i-0abc12345def67890", Target.EC2_INSTANCE, null, null);

  private static FaultSpec spec(Map<String, ?> raw) {
    FaultParameters parameters = FaultCatalogue.standard().validate(TYPE, raw);
    return new DiskIoStressFault().spec(parameters);
  }

  @Test
  void mapsTunablesToTheDocumentParametersWithDefaults() {
    assertThat(
            spec(Map.of("EC2_INSTANCE_ID", "i-0abc12345def67890"))
                .inject(HOST, CONTEXT)
                .parameters())
        .containsEntry("VolumeMountPath", "/tmp")
        .containsEntry("Workers", "1")
        .containsEntry("MibPerWorker", "256")
        .containsEntry("InstallDependencies", "true");
    assertThat(
            spec(Map.of(
                    "EC2_INSTANCE_ID",
                    "i-0abc12345def67890",
                    "NUMBER_OF_WORKERS",
                    16,
                    "IO_MIB_PER_WORKER",
                    4096,
                    "VOLUME_MOUNT_PATH",
                    "/data/vol_1"))
                .rollback(HOST, CONTEXT)
                .parameters())
        .containsEntry("Action", "rollback")
        .containsEntry("Workers", "16")
        .containsEntry("MibPerWorker", "4096")
        .containsEntry("VolumeMountPath", "/data/vol_1");
  }

  @Test
  void refusesWorkersAndSizesOutOfBounds() {
    for (Map.Entry<String, Integer> bad :
        Map.of(
                "NUMBER_OF_WORKERS", 17,
                "IO_MIB_PER_WORKER", 4097)
            .entrySet()) {
      assertThatThrownBy(
              () ->
                  spec(
                      Map.of(
                          "EC2_INSTANCE_ID", "i-0abc12345def67890", bad.getKey(), bad.getValue())))
          .isInstanceOf(ContractViolationException.class)
          .hasMessageContaining(bad.getKey());
    }
  }

  @Test
  void theSpecGuardsItsBoundsItself() {
    var selector = new TargetSelector.InstanceIds(java.util.List.of("i-0abc12345def67890"));
    var timing = new Timing(0, 30, Timing.Sequence.PARALLEL);
    assertThatThrownBy(() -> new DiskIoStressSpec(selector, timing, "/tmp", 17, 1, true, ""))
        .hasMessageContaining("NUMBER_OF_WORKERS must be 1..16");
    assertThatThrownBy(() -> new DiskIoStressSpec(selector, timing, "/tmp", 1, 4097, true, ""))
        .hasMessageContaining("IO_MIB_PER_WORKER must be 1..4096");
    assertThatThrownBy(() -> new DiskIoStressSpec(selector, timing, "/tmp/..", 1, 1, true, ""))
        .hasMessageContaining("VOLUME_MOUNT_PATH");
  }

  @Test
  void documentBoundsEqualTheCatalogues() {
    SsmDocument document = SsmDocument.forFaultType(TYPE.value());
    String catalogue =
        FaultCatalogue.standard()
            .find(TYPE)
            .flatMap(s -> s.parameter("VOLUME_MOUNT_PATH"))
            .map(ParameterSpec::allowedPattern)
            .orElseThrow();
    assertThat(DiskIoStressSpec.VOLUME_PATH.pattern()).isEqualTo(catalogue);
    assertThat(document.parameters().get("VolumeMountPath").allowedPattern()).isEqualTo(catalogue);
    for (int n = -1; n <= 4100; n++) {
      Map<String, String> values =
          Map.of(
              "Action",
              "inject",
              "FaultId",
              "f-1",
              "Workers",
              "" + Math.min(Math.max(n, 1), 16),
              "MibPerWorker",
              "" + n);
      boolean valid = n >= 1 && n <= 4096;
      assertThat(accepts(document, values)).as("MibPerWorker %d", n).isEqualTo(valid);
    }
    for (int n = -1; n <= 20; n++) {
      Map<String, String> values = Map.of("Action", "inject", "FaultId", "f-1", "Workers", "" + n);
      assertThat(accepts(document, values)).as("Workers %d", n).isEqualTo(n >= 1 && n <= 16);
    }
  }

  private static boolean accepts(SsmDocument document, Map<String, String> values) {
    try {
      document.validate(values);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
