package io.faultline.executor.fault.networkblackhole;

import io.faultline.events.catalogue.FaultParameters;
import io.faultline.events.ids.FaultType;
import io.faultline.executor.fault.DocumentFaultSpec;
import io.faultline.executor.fault.Fault;
import io.faultline.executor.fault.FaultSpec;
import io.faultline.executor.fault.document.SsmDocument;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Maps EC2 network blackhole's tunables to its document's parameters; the document also declares
 * {@code ProtectedDestinations}, filled from the fault's guard by {@link DocumentFaultSpec}.
 */
public final class NetworkBlackholeFault implements Fault {
  static final FaultType TYPE = FaultType.of("ec2-network-blackhole");

  @Override
  public FaultType type() {
    return TYPE;
  }

  @Override
  public FaultSpec spec(FaultParameters parameters) {
    NetworkBlackholeSpec spec = NetworkBlackholeSpec.of(parameters);
    return new DocumentFaultSpec(
        spec.selector(),
        spec.timing(),
        SsmDocument.forFaultType(TYPE.value()),
        Map.of(
            "DestinationIps",
            String.join(",", spec.destinationIps()),
            "DestinationHosts",
            String.join(",", spec.destinationHosts()),
            "DestinationPorts",
            spec.ports().stream().map(String::valueOf).collect(Collectors.joining(",")),
            "Protocol",
            spec.protocol(),
            "InstallDependencies",
            Boolean.toString(spec.installDependencies()),
            "Proxy",
            spec.proxy()));
  }
}
