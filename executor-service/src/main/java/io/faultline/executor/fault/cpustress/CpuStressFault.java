package io.faultline.executor.fault.cpustress;

import io.faultline.events.catalogue.FaultParameters;
import io.faultline.events.ids.FaultType;
import io.faultline.executor.fault.DocumentFaultSpec;
import io.faultline.executor.fault.Fault;
import io.faultline.executor.fault.FaultSpec;
import io.faultline.executor.fault.document.SsmDocument;
import java.util.Map;

/** Maps EC2 CPU stress's tunables to its document's parameters. */
public final class CpuStressFault implements Fault {
  static final FaultType TYPE = FaultType.of("ec2-cpu-stress");

  @Override
  public FaultType type() {
    return TYPE;
  }

  @Override
  public FaultSpec spec(FaultParameters parameters) {
    CpuStressSpec spec = CpuStressSpec.of(parameters);
    return new DocumentFaultSpec(
        spec.selector(),
        spec.timing(),
        SsmDocument.forFaultType(TYPE.value()),
        Map.of(
            "CpuLoad",
            Integer.toString(spec.cpuLoad()),
            "CpuCores",
            Integer.toString(spec.cpuCores()),
            "InstallDependencies",
            Boolean.toString(spec.installDependencies()),
            "Proxy",
            spec.proxy()));
  }
}
