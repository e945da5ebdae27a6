package io.faultline.executor.run;

import io.faultline.events.decision.FaultApproved;
import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.tracing.FaultSpans;
import io.faultline.executor.control.Controls;
import io.faultline.executor.fault.FaultSpec;
import io.faultline.executor.fault.Target;
import io.faultline.executor.fault.TargetSelector;
import io.faultline.executor.guard.TenantGuards;
import io.faultline.executor.lifecycle.JournalEntry.Phase;
import io.opentelemetry.api.common.Attributes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a fault checks again before each inject batch, since RAMP_TIME (up to an hour) and serial
 * injection may follow its approval by long: whether its tenant or the platform is halted or it (or
 * its run) was aborted, and which of the batch's targets its tenant protects now. Targets protected
 * since the approval are not sent the inject: they leave the fault's targets (no rollback reaches
 * them either) and are reported EXCLUDED_PROTECTED. The guard is the approval's together with the
 * tenant's current one, so it only ever grows stricter.
 */
final class InjectGate implements CommandRound.Gate {
  private static final Logger log = LoggerFactory.getLogger(InjectGate.class);

  /** How the detail of a target excluded here begins. */
  static final String AFTER_APPROVAL = "became protected after approval: ";

  private final FaultApproved approval;
  private final String cluster;
  private final Controls controls;
  private final TenantGuards guards;
  private final TargetLedger targets;
  private final FaultTrace trace;
  private final Consumer<FailureReason> abort;
  private final Runnable onExcluded;

  /**
   * @param selector the fault's selector (an ECS fault's cluster may become protected)
   * @param abort stops the fault as a control would
   * @param onExcluded runs after targets were excluded (the journal learns the narrower list)
   */
  InjectGate(
      FaultApproved approval,
      TargetSelector selector,
      Controls controls,
      TenantGuards guards,
      TargetLedger targets,
      FaultTrace trace,
      Consumer<FailureReason> abort,
      Runnable onExcluded) {
    this.approval = approval;
    this.cluster = selector instanceof TargetSelector.EcsCluster c ? c.name() : null;
    this.controls = controls;
    this.guards = guards;
    this.targets = targets;
    this.trace = trace;
    this.abort = abort;
    this.onExcluded = onExcluded;
  }

  /**
   * The gate of a fault injecting or holding: when targets are excluded, the journal learns the
   * narrower list (its targets are what a takeover rolls back: never an excluded one).
   */
  static InjectGate journaled(
      FaultApproved approval,
      FaultSpec spec,
      Execution.Context ctx,
      TargetLedger targets,
      FaultTrace trace,
      Consumer<FailureReason> abort,
      LifecycleWriter writer) {
    return new InjectGate(
        approval,
        spec.selector(),
        ctx.controls(),
        ctx.guards(),
        targets,
        trace,
        abort,
        () -> {
          Phase now = writer.phase();
          if (now == Phase.INJECTING || now == Phase.HOLDING) {
            writer.journal(now);
          }
        });
  }

  /**
   * The batch's targets that may be sent the inject now: none when the fault must stop (it is
   * aborted with the reason), otherwise those not protected now (the rest are excluded).
   */
  @Override
  public List<Target> admit(List<Target> batch) {
    Optional<FailureReason> blocked =
        controls.blocked(approval.tenantId(), approval.faultId(), approval.runId());
    if (blocked.isPresent()) {
      abort.accept(blocked.get());
      return List.of();
    }
    Map<String, String> excluded =
        protectedNow(batch, guards.forFault(approval.tenantId(), approval.guard()), cluster);
    if (excluded.isEmpty()) {
      return batch;
    }
    for (Target target : batch) {
      String why = excluded.get(target.id());
      if (why != null) {
        targets.excludeProtected(target, AFTER_APPROVAL + why);
      }
    }
    log.warn(
        "fault {}: {} protected since its approval, not injected ({} targets left)",
        approval.faultId(),
        excluded,
        targets.list().size());
    trace
        .execute()
        .addEvent(
            "excluded-protected", Attributes.of(FaultSpans.TARGET_COUNT, (long) excluded.size()));
    onExcluded.run();
    return batch.stream().filter(t -> !excluded.containsKey(t.id())).toList();
  }

  /**
   * The batch's targets {@code guard} protects, by id, each with why (pure).
   *
   * @param cluster the ECS cluster the targets came from, or null
   */
  static Map<String, String> protectedNow(
      List<Target> batch, ProtectedTargetGuard guard, String cluster) {
    Map<String, String> excluded = new LinkedHashMap<>();
    for (Target target : batch) {
      Optional<String> why =
          cluster != null && guard.clusterNames().contains(cluster)
              ? Optional.of("cluster " + cluster + " is protected")
              : TargetResolution.protectedBecause(target, guard);
      why.ifPresent(w -> excluded.put(target.id(), w));
    }
    return excluded;
  }
}
