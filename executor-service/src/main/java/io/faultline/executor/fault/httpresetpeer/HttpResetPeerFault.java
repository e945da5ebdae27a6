package io.faultline.executor.fault.httpresetpeer;

import io.faultline.events.catalogue.FaultParameters;
import io.faultline.events.ids.FaultType;
import io.faultline.executor.fault.DocumentFaultSpec;
import io.faultline.executor.fault.Fault;
import io.faultline.executor.fault.FaultSpec;
import io.faultline.executor.fault.document.SsmDocument;
import java.util.Map;

/** Maps EC2 HTTP reset peer's tunables to its document's parameters. */
public final class HttpResetPeerFault implements Fault {
  static final FaultType TYPE = FaultType.of("ec2-http-reset-peer");

  @Override
  public FaultType type() {
    return TYPE;
  }

  @Override
  public FaultSpec spec(FaultParameters parameters) {
    HttpResetPeerSpec spec = HttpResetPeerSpec.of(parameters);
    return new DocumentFaultSpec(
        spec.selector(),
        spec.timing(),
        SsmDocument.forFaultType(TYPE.value()),
        Map.of(
            "TargetPort",
            Integer.toString(spec.targetPort()),
            "NetworkInterface",
            spec.networkInterface(),
            "InstallDependencies",
            Boolean.toString(spec.installDependencies()),
            "Proxy",
            spec.proxy()));
  }
}
