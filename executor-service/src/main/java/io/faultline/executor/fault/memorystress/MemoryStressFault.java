package io.faultline.executor.fault.memorystress;

import io.faultline.events.catalogue.FaultParameters;
import io.faultline.events.ids.FaultType;
import io.faultline.executor.fault.DocumentFaultSpec;
import io.faultline.executor.fault.Fault;
import io.faultline.executor.fault.FaultSpec;
import io.faultline.executor.fault.document.SsmDocument;
import java.util.Map;

/** Maps EC2 memory stress's tunables to its document's parameters. */
public final class MemoryStressFault implements Fault {
  static final FaultType TYPE = FaultType.of("ec2-memory-stress");

  @Override
  public FaultType type() {
    return TYPE;
  }

  @Override
  public FaultSpec spec(FaultParameters parameters) {
    MemoryStressSpec spec = MemoryStressSpec.of(parameters);
    return new DocumentFaultSpec(
        spec.selector(),
        spec.timing(),
        SsmDocument.forFaultType(TYPE.value()),
        Map.of(
            "MemoryPercentage",
            Integer.toString(spec.memoryPercentage()),
            "Workers",
            Integer.toString(spec.workers()),
            "InstallDependencies",
            Boolean.toString(spec.installDependencies()),
            "Proxy",
            spec.proxy()));
  }
}
