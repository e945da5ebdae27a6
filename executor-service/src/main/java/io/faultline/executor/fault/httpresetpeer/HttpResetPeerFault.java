package io.faultline.executor.fault.httpresetpeer;

import io.faultline.events.catalogue.FaultParameters;
import io.faultline.events.ids.FaultType;
import io.faultline.executor.fault.DocumentCall;
import io.faultline.executor.fault.Fault;
import io.faultline.executor.fault.FaultContext;
import io.faultline.executor.fault.FaultSpec;
import io.faultline.executor.fault.Target;
import io.faultline.executor.fault.TargetSelector;
import io.faultline.executor.fault.Timing;
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
    return new Bound(HttpResetPeerSpec.of(parameters), SsmDocument.forFaultType(TYPE.value()));
  }

  private record Bound(HttpResetPeerSpec spec, SsmDocument document) implements FaultSpec {
    @Override
    public TargetSelector selector() {
      return spec.selector();
    }

    @Override
    public Timing timing() {
      return spec.timing();
    }

    @Override
    public DocumentCall inject(Target target, FaultContext context) {
      return call("inject", context);
    }

    @Override
    public DocumentCall rollback(Target target, FaultContext context) {
      return call("rollback", context);
    }

    private DocumentCall call(String action, FaultContext context) {
      Map<String, String> values = DocumentCall.common(action, context, spec.timing());
      values.put("TargetPort", Integer.toString(spec.targetPort()));
      values.put("NetworkInterface", spec.networkInterface());
      values.put("InstallDependencies", Boolean.toString(spec.installDependencies()));
      values.put("Proxy", spec.proxy());
      return new DocumentCall(document, values);
    }
  }
}
