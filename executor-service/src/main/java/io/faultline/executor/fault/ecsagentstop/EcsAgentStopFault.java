package io.faultline.executor.fault.ecsagentstop;

import io.faultline.events.catalogue.FaultParameters;
import io.faultline.events.ids.FaultType;
import io.faultline.executor.fault.Backoff;
import io.faultline.executor.fault.DocumentCall;
import io.faultline.executor.fault.Fault;
import io.faultline.executor.fault.FaultContext;
import io.faultline.executor.fault.FaultSpec;
import io.faultline.executor.fault.Target;
import io.faultline.executor.fault.TargetDirectory;
import io.faultline.executor.fault.TargetSelector;
import io.faultline.executor.fault.Timing;
import io.faultline.executor.fault.document.SsmDocument;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Maps ECS agent stop's tunables to its document, and verifies reconnection after rollback. */
public final class EcsAgentStopFault implements Fault {
  static final FaultType TYPE = FaultType.of("ecs-agent-stop");

  /** How long rollback waits for every agent to reconnect; system property for tests. */
  static Duration reconnectTimeout() {
    return Duration.ofSeconds(
        Long.getLong("faultline.executor.ecs.reconnect-timeout-seconds", 300));
  }

  @Override
  public FaultType type() {
    return TYPE;
  }

  @Override
  public FaultSpec spec(FaultParameters parameters) {
    return new Bound(
        EcsAgentStopSpec.of(parameters),
        SsmDocument.forFaultType(TYPE.value()),
        reconnectTimeout());
  }

  private record Bound(EcsAgentStopSpec spec, SsmDocument document, Duration reconnectTimeout)
      implements FaultSpec {
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
      return new DocumentCall(document, DocumentCall.common("inject", context, spec.timing()));
    }

    @Override
    public DocumentCall rollback(Target target, FaultContext context) {
      return new DocumentCall(document, DocumentCall.common("rollback", context, spec.timing()));
    }

    @Override
    public java.util.Optional<String> warning() {
      return spec.durationWarning();
    }

    @Override
    public boolean verifies() {
      return true;
    }

    @Override
    public Map<String, String> verify(List<Target> targets, TargetDirectory directory) {
      Instant deadline = Instant.now().plus(reconnectTimeout);
      Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(10));
      while (true) {
        Map<String, Boolean> connected = directory.agentConnected(spec.selector().name());
        Map<String, String> failures = new LinkedHashMap<>();
        for (Target target : targets) {
          if (!connected.getOrDefault(target.id(), false)) {
            failures.put(
                target.id(),
                "ECS agent not connected within " + reconnectTimeout.toSeconds() + " s");
          }
        }
        if (failures.isEmpty() || Instant.now().isAfter(deadline)) {
          return failures;
        }
        try {
          // Polling ECS is the only way to learn agentConnected.
          Thread.sleep(backoff.next());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return failures;
        }
      }
    }
  }
}
