package io.faultline.executor.fault.packetloss;

import io.faultline.events.catalogue.FaultParameters;
import io.faultline.events.ids.FaultType;
import io.faultline.executor.fault.DocumentFaultSpec;
import io.faultline.executor.fault.Fault;
import io.faultline.executor.fault.FaultSpec;
import io.faultline.executor.fault.document.SsmDocument;
import java.util.LinkedHashMap;
import java.util.Map;

/** Maps EC2 network packet loss's tunables to its document's parameters. */
public final class PacketLossFault implements Fault {
  static final FaultType TYPE = FaultType.of("ec2-network-packet-loss");

  @Override
  public FaultType type() {
    return TYPE;
  }

  @Override
  public FaultSpec spec(FaultParameters parameters) {
    PacketLossSpec spec = PacketLossSpec.of(parameters);
    Map<String, String> values = new LinkedHashMap<>(spec.scope().documentValues());
    values.put("LossPercent", Integer.toString(spec.lossPercent()));
    return new DocumentFaultSpec(
        spec.selector(), spec.timing(), SsmDocument.forFaultType(TYPE.value()), values);
  }
}
