package io.faultline.executor.fault.processkill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.faultline.events.catalogue.FaultCatalogue;
import io.faultline.events.catalogue.FaultParameters;
import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.ids.FaultId;
import io.faultline.executor.fault.FaultContext;
import io.faultline.executor.fault.FaultSpec;
import io.faultline.executor.fault.Target;
import io.faultline.executor.fault.document.SsmDocument;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessKillFaultTest {
  private static final FaultContext CONTEXT = new FaultContext(FaultId.of("f-1"), "");
  private static final Target HOST =
      new Target("i-0abc12345def67890", Target.EC2_INSTANCE, null, null);
  private static final ProcessKillFault FAULT = new ProcessKillFault();

  private static FaultParameters parameters(Map<String, ?> raw) {
    return FaultCatalogue.standard().validate(ProcessKillFault.TYPE, raw);
  }

  private static ProtectedTargetGuard protecting(List<String> names) {
    return new ProtectedTargetGuard(List.of(), List.of(), List.of(), List.of(), names);
  }

  @Test
  void mapsNamesPatternModeAndTheGuardsProtectedNamesToTheDocument() {
    FaultSpec spec =
        FAULT.spec(
            parameters(
                Map.of(
                    "PROCESS_NAMES",
                    "payment-worker,^java.*checkout$",
                    "PROCESS_MATCH",
                    "pattern",
                    "EC2_INSTANCE_ID",
                    "i-0abc12345def67890")),
            protecting(List.of("sshd", "postgres")));

    assertThat(spec.inject(HOST, CONTEXT).parameters())
        .containsEntry("ProcessIds", "")
        .containsEntry("ProcessNames", "payment-worker,^java.*checkout$")
        .containsEntry("ProcessMatch", "pattern")
        .containsEntry("ProtectedNames", "sshd,postgres");
  }

  @Test
  void matchesExactNamesByDefaultAndProtectsNothingWithoutAGuard() {
    FaultSpec spec =
        FAULT.spec(
            parameters(Map.of("PROCESS_NAMES", "nginx", "EC2_INSTANCE_ID", "i-0abc12345def67890")));

    assertThat(spec.inject(HOST, CONTEXT).parameters())
        .containsEntry("ProcessNames", "nginx")
        .containsEntry("ProcessMatch", "exact")
        .containsEntry("ProtectedNames", "");
  }

  @Test
  void refusesAPatternThatIsNotARegularExpressionNamingTheTunable() {
    FaultParameters parameters =
        parameters(
            Map.of(
                "PROCESS_NAMES",
                "worker[",
                "PROCESS_MATCH",
                "pattern",
                "EC2_INSTANCE_ID",
                "i-0abc12345def67890"));

    assertThatThrownBy(() -> FAULT.spec(parameters))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PROCESS_NAMES 'worker['")
        .hasMessageContaining("not a regular expression");
  }

  @Test
  void refusesProtectedNamesTheDocumentCouldNotTake() {
    FaultParameters parameters =
        parameters(Map.of("PROCESS_NAMES", "nginx", "EC2_INSTANCE_ID", "i-0abc12345def67890"));

    assertThatThrownBy(() -> FAULT.spec(parameters, protecting(List.of("ssh d"))))
        .hasMessageContaining("protected process name 'ssh d'");
    assertThatThrownBy(() -> FAULT.spec(parameters, protecting(Collections.nCopies(101, "sshd"))))
        .hasMessageContaining("at most 100 protected process names");
  }

  @Test
  void sharesTheDocumentsRuleForProtectedNamesWithTheTenantPolicy() {
    String element = "[A-Za-z0-9_.:@+-][A-Za-z0-9_.:@+/-]{0,127}";
    assertThat(
            SsmDocument.forFaultType("ec2-process-kill")
                .parameters()
                .get("ProtectedNames")
                .allowedPattern())
        .isEqualTo("^(" + element + "(," + element + "){0,99})?$");
  }
}
