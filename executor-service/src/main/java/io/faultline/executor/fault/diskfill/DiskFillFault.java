package io.faultline.executor.fault.diskfill;

import io.faultline.events.catalogue.FaultParameters;
import io.faultline.events.ids.FaultType;
import io.faultline.executor.fault.DocumentFaultSpec;
import io.faultline.executor.fault.Fault;
import io.faultline.executor.fault.FaultSpec;
import io.faultline.executor.fault.document.SsmDocument;
import java.util.Map;

/** Maps EC2 disk fill's tunables to its document's parameters. */
public final class DiskFillFault implements Fault {
  static final FaultType TYPE = FaultType.of("ec2-disk-fill");

  @Override
  public FaultType type() {
    return TYPE;
  }

  @Override
  public FaultSpec spec(FaultParameters parameters) {
    DiskFillSpec spec = DiskFillSpec.of(parameters);
    return new DocumentFaultSpec(
        spec.selector(),
        spec.timing(),
        SsmDocument.forFaultType(TYPE.value()),
        Map.of(
            "VolumeMountPath",
            spec.volumeMountPath(),
            "UtilizationPercent",
            Integer.toString(spec.utilizationPercent()),
            "InstallDependencies",
            Boolean.toString(spec.installDependencies()),
            "Proxy",
            spec.proxy()));
  }
}
