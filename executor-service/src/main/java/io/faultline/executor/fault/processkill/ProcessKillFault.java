package io.faultline.executor.fault.processkill;

import io.faultline.events.catalogue.FaultParameters;
import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.ids.FaultType;
import io.faultline.executor.fault.DocumentFaultSpec;
import io.faultline.executor.fault.Fault;
import io.faultline.executor.fault.FaultSpec;
import io.faultline.executor.fault.document.SsmDocument;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Maps EC2 process kill's tunables, and the process names the fault's guard protects, to its
 * document's parameters.
 */
public final class ProcessKillFault implements Fault {
  static final FaultType TYPE = FaultType.of("ec2-process-kill");

  @Override
  public FaultType type() {
    return TYPE;
  }

  @Override
  public FaultSpec spec(FaultParameters parameters) {
    return spec(parameters, ProtectedTargetGuard.none());
  }

  @Override
  public FaultSpec spec(FaultParameters parameters, ProtectedTargetGuard guard) {
    ProcessKillSpec spec = ProcessKillSpec.of(parameters, guard.processNames());
    return new DocumentFaultSpec(
        spec.selector(),
        spec.timing(),
        SsmDocument.forFaultType(TYPE.value()),
        Map.of(
            "ProcessIds",
            spec.processIds().stream().map(String::valueOf).collect(Collectors.joining(",")),
            "ProcessNames",
            String.join(",", spec.processNames()),
            "ProcessMatch",
            spec.match().name().toLowerCase(java.util.Locale.ROOT),
            "ProtectedNames",
            String.join(",", spec.protectedNames()),
            "Signal",
            spec.signal(),
            "InstallDependencies",
            Boolean.toString(spec.installDependencies()),
            "Proxy",
            spec.proxy()));
  }
}
