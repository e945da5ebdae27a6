package io.faultline.executor.run;

import io.faultline.events.decision.FaultApproved;
import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.tracing.FaultSpans;
import io.faultline.executor.fault.TargetDirectory;
import io.faultline.executor.fault.TargetSelector;
import io.faultline.executor.fault.TransportException;
import java.util.random.RandomGenerator;

/**
 * The {@code fault.resolve-targets} phase: {@link TargetResolution} under the fault's guard (the
 * approval's, with the tenant's current protected targets) and the approval's cap, with what it
 * left out reported in the {@link TargetLedger}, and the reason a fault fails when nothing may be
 * hit.
 */
final class ResolveTargets {
  /**
   * @param resolved what resolution found; null when the directory could not answer
   * @param refused why the fault must fail; null when it may go on
   */
  record Result(TargetResolution.Resolved resolved, FailureReason refused, String refusal) {}

  private ResolveTargets() {}

  static Result run(
      TargetSelector selector,
      TargetDirectory directory,
      FaultApproved approval,
      ProtectedTargetGuard guard,
      RandomGenerator random,
      FaultTrace trace,
      TargetLedger ledger) {
    Result result;
    try (FaultTrace.PhaseSpan p = trace.phase(FaultSpans.RESOLVE_TARGETS)) {
      result = resolve(selector, directory, approval, guard, random, p);
      if (result.refused() != null) {
        p.fail(result.refused(), result.refusal());
      }
    }
    if (result.resolved() != null) {
      ledger.resolved(result.resolved().outcomes());
    }
    return result;
  }

  private static Result resolve(
      TargetSelector selector,
      TargetDirectory directory,
      FaultApproved approval,
      ProtectedTargetGuard guard,
      RandomGenerator random,
      FaultTrace.PhaseSpan phase) {
    try {
      TargetResolution.Resolved resolved =
          TargetResolution.resolve(selector, directory, guard, approval.maxTargets(), random);
      phase.span().setAttribute(FaultSpans.TARGET_COUNT, (long) resolved.targets().size());
      return resolved.targets().isEmpty()
          ? new Result(
              resolved, FailureReason.TARGET_SELECTION, "no eligible target: " + resolved.summary())
          : new Result(resolved, null, null);
    } catch (TargetResolution.MissingCluster e) {
      return new Result(null, FailureReason.PRE_CHECK, e.getMessage());
    } catch (TransportException e) {
      return new Result(null, FailureReason.TARGET_SELECTION, e.getMessage());
    }
  }
}
