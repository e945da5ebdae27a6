package io.faultline.executor.fault.processkill;

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
import java.util.stream.Collectors;

/** Maps EC2 process kill's tunables to its document's parameters. */
public final class ProcessKillFault implements Fault {
  static final FaultType TYPE = FaultType.of("ec2-process-kill");

  @Override
  public FaultType type() {
    return TYPE;
  }

  @Override
  public FaultSpec spec(FaultParameters parameters) {
    return new Bound(ProcessKillSpec.of(parameters), SsmDocument.forFaultType(TYPE.value()));
  }

  private record Bound(ProcessKillSpec spec, SsmDocument document) implements FaultSpec {
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
      values.put(
          "ProcessIds",
          spec.processIds().stream().map(String::valueOf).collect(Collectors.joining(",")));
      values.put("Signal", spec.signal());
      values.put("InstallDependencies", Boolean.toString(spec.installDependencies()));
      values.put("Proxy", spec.proxy());
      return new DocumentCall(document, values);
    }
  }
}
