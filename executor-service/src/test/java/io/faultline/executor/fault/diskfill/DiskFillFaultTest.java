package io.faultline.executor.fault.diskfill;

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

class DiskFillFaultTest {
  private static final FaultType TYPE = FaultType.of("ec2-disk-fill");
  private static final FaultContext CONTEXT =
      new FaultContext(FaultId.of("f-1"), "4bf92f3577b34da6a3ce929d0e0e4736");
  private static final TargetSelector SELECTOR = new TargetSelector.InstanceTag("app", "web", 0);
  private static final Timing TIMING = new Timing(0, 30, Timing.Sequence.PARALLEL);
  private static final Target HOST =
      new Target("i-0abc12345def67890", Target.EC2_INSTANCE, null, null);

  private static FaultSpec spec(Map<String, ?> raw) {
    FaultParameters parameters = FaultCatalogue.standard().validate(TYPE, raw);
    return new DiskFillFault().spec(parameters);
  }

  @Test
  void mapsTunablesToTheDocumentParametersWithDefaults() {
    FaultSpec spec = spec(Map.of("EC2_INSTANCE_TAG", "app:web", "INSTANCE_AFFECTED_PERC", 50));

    assertThat(spec.inject(HOST, CONTEXT).parameters())
        .containsEntry("Action", "inject")
        .containsEntry("VolumeMountPath", "/tmp")
        .containsEntry("UtilizationPercent", "80")
        .containsEntry("InstallDependencies", "true")
        .containsEntry("Proxy", "")
        .containsEntry("DurationSeconds", "30");
    assertThat(spec.rollback(HOST, CONTEXT).parameters())
        .containsEntry("Action", "rollback")
        .containsEntry("VolumeMountPath", "/tmp");
    assertThat(spec.selector()).isEqualTo(new TargetSelector.InstanceTag("app", "web", 50));
  }

  @Test
  void refusesAPercentageAbove95AndPathsThatClimbOut() {
    assertThatThrownBy(
            () ->
                spec(
                    Map.of(
                        "EC2_INSTANCE_ID",
                        "i-0abc12345def67890",
                        "FILESYSTEM_UTILIZATION_PERCENTAGE",
                        96)))
        .isInstanceOf(ContractViolationException.class)
        .hasMessageContaining("FILESYSTEM_UTILIZATION_PERCENTAGE must be at most 95");
    for (String path : new String[] {"/tmp/../etc", "/..", "tmp", "/tmp/a b", "/tmp/$(x)"}) {
      assertThatThrownBy(
              () ->
                  spec(Map.of("EC2_INSTANCE_ID", "i-0abc12345def67890", "VOLUME_MOUNT_PATH", path)))
          .as(path)
          .isInstanceOf(ContractViolationException.class)
          .hasMessageContaining("VOLUME_MOUNT_PATH");
      // The executor's own guard, should a value ever bypass the catalogue.
      assertThatThrownBy(() -> new DiskFillSpec(SELECTOR, TIMING, path, 80, true, ""))
          .as(path)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("VOLUME_MOUNT_PATH");
    }
    assertThatThrownBy(() -> new DiskFillSpec(SELECTOR, TIMING, "/tmp", 96, true, ""))
        .hasMessageContaining("FILESYSTEM_UTILIZATION_PERCENTAGE must be 1..95");
  }

  @Test
  void sharesThePathRuleWithTheCatalogueAndTheDocument() {
    String catalogue =
        FaultCatalogue.standard()
            .find(TYPE)
            .flatMap(s -> s.parameter("VOLUME_MOUNT_PATH"))
            .map(ParameterSpec::allowedPattern)
            .orElseThrow();
    SsmDocument document = SsmDocument.forFaultType(TYPE.value());

    assertThat(DiskFillSpec.VOLUME_PATH.pattern()).isEqualTo(catalogue);
    assertThat(document.parameters().get("VolumeMountPath").allowedPattern()).isEqualTo(catalogue);
    assertThat(document.parameters().keySet())
        .containsExactlyInAnyOrder(
            "Action",
            "FaultId",
            "DurationSeconds",
            "TraceId",
            "VolumeMountPath",
            "UtilizationPercent",
            "InstallDependencies",
            "Proxy");
  }

  @Test
  void documentAcceptsExactlyOneTo95Percent() {
    SsmDocument document = SsmDocument.forFaultType(TYPE.value());
    for (int percent = -1; percent <= 101; percent++) {
      Map<String, String> values =
          Map.of(
              "Action",
              "inject",
              "FaultId",
              "f-1",
              "UtilizationPercent",
              Integer.toString(percent));
      if (percent >= 1 && percent <= 95) {
        assertThat(document.validate(values)).containsEntry("UtilizationPercent", "" + percent);
      } else {
        assertThatThrownBy(() -> document.validate(values))
            .as("%d", percent)
            .hasMessageContaining("'UtilizationPercent'");
      }
    }
  }
}
