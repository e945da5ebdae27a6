package io.faultline.executor.fault.networklatency;

import io.faultline.events.catalogue.FaultParameters;
import io.faultline.events.ids.FaultType;
import io.faultline.executor.fault.DocumentFaultSpec;
import io.faultline.executor.fault.Fault;
import io.faultline.executor.fault.FaultSpec;
import io.faultline.executor.fault.document.SsmDocument;
import java.util.LinkedHashMap;
import java.util.Map;

/** Maps EC2 network latency's tunables to its document's parameters. */
public final class NetworkLatencyFault implements Fault {
  static final FaultType TYPE = FaultType.of("ec2-network-latency");

  @Override
  public FaultType type() {
    return TYPE;
  }

  @Override
  public FaultSpec spec(FaultParameters parameters) {
    NetworkLatencySpec spec = NetworkLatencySpec.of(parameters);
    Map<String, String> values = new LinkedHashMap<>(spec.scope().documentValues());
    values.put("LatencyMs", Integer.toString(spec.latencyMs()));
    values.put("JitterMs", Integer.toString(spec.jitterMs()));
    return new DocumentFaultSpec(
        spec.selector(), spec.timing(), SsmDocument.forFaultType(TYPE.value()), values);
  }
}
