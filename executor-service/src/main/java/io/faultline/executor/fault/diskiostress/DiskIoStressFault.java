package io.faultline.executor.fault.diskiostress;

import io.faultline.events.catalogue.FaultParameters;
import io.faultline.events.ids.FaultType;
import io.faultline.executor.fault.DocumentFaultSpec;
import io.faultline.executor.fault.Fault;
import io.faultline.executor.fault.FaultSpec;
import io.faultline.executor.fault.document.SsmDocument;
import java.util.Map;

/** Maps EC2 disk IO stress's tunables to its document's parameters. */
public final class DiskIoStressFault implements Fault {
  static final FaultType TYPE = FaultType.of("ec2-disk-io-stress");

  @Override
  public FaultType type() {
    return TYPE;
  }

  @Override
  public FaultSpec spec(FaultParameters parameters) {
    DiskIoStressSpec spec = DiskIoStressSpec.of(parameters);
    return new DocumentFaultSpec(
        spec.selector(),
        spec.timing(),
        SsmDocument.forFaultType(TYPE.value()),
        Map.of(
            "VolumeMountPath",
            spec.volumeMountPath(),
            "Workers",
            Integer.toString(spec.workers()),
            "MibPerWorker",
            Integer.toString(spec.mibPerWorker()),
            "InstallDependencies",
            Boolean.toString(spec.installDependencies()),
            "Proxy",
            spec.proxy()));
  }
}
