package io.faultline.executor.run;

import io.faultline.events.claims.TargetsClaimed;
import io.faultline.events.claims.TargetsGranted;
import io.faultline.events.decision.FaultApproved;
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.tracing.FaultSpans;
import io.faultline.executor.claims.TargetClaims;
import io.faultline.executor.fault.Target;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code fault.claim-targets} phase of a tag-selected fault (issue 16): the instances it
 * resolved are claimed from the tenant's admission; only those granted are acted on, the rest are
 * reported {@code SKIPPED} with {@link #BUSY}. No answer within the claim timeout, a refusal, or
 * nothing granted fails the fault before anything is sent.
 */
final class ClaimTargets {
  private static final Logger log = LoggerFactory.getLogger(ClaimTargets.class);

  /** The detail of a target another active fault holds; starts with the reason code. */
  static final String BUSY = "TARGET_BUSY: another active fault holds this instance";

  /**
   * @param granted the targets to act on; empty when the fault must fail
   * @param refusal why the fault fails (reason {@link FailureReason#TARGET_SELECTION}); null when
   *     it goes on
   */
  record Result(List<Target> granted, String refusal) {}

  private ClaimTargets() {}

  static Result run(
      TargetClaims claims,
      Duration timeout,
      FaultApproved approval,
      String executorId,
      List<Target> resolved,
      FaultTrace trace,
      TargetLedger ledger) {
    TargetsClaimed claim =
        new TargetsClaimed(
            approval.tenantId(),
            approval.faultId(),
            approval.accountId(),
            approval.region(),
            UUID.randomUUID().toString(),
            executorId,
            resolved.stream().map(Target::id).distinct().toList(),
            Instant.now());
    Result result;
    try (FaultTrace.PhaseSpan p = trace.phase(FaultSpans.CLAIM_TARGETS)) {
      long started = System.nanoTime();
      Optional<TargetsGranted> answer = ask(claims, claim, trace.traceparent(), timeout);
      long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
      result =
          answer
              .map(a -> apply(a, claim, resolved, ledger))
              .orElseGet(() -> noAnswer(claim, timeout));
      // The claim's share of request → first SendCommand (issue 16, P2).
      log.info(
          "target claim {} of fault {}: {} of {} instances granted in {} ms",
          claim.claimId(),
          claim.key(),
          result.granted().size(),
          resolved.size(),
          millis);
      p.span().setAttribute(FaultSpans.TARGET_COUNT, (long) result.granted().size());
      if (result.refusal() != null) {
        p.fail(FailureReason.TARGET_SELECTION, result.refusal());
      }
    }
    return result;
  }

  private static Optional<TargetsGranted> ask(
      TargetClaims claims, TargetsClaimed claim, String traceparent, Duration timeout) {
    try {
      return claims.claim(claim, traceparent, timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private static Result apply(
      TargetsGranted answer, TargetsClaimed claim, List<Target> resolved, TargetLedger ledger) {
    if (answer.refusal() != null) {
      return new Result(
          List.of(),
          "target claim "
              + claim.claimId()
              + " refused: "
              + answer.refusal()
              + "; nothing injected");
    }
    Set<String> granted = new HashSet<>(answer.granted());
    for (Target target : resolved) {
      if (!granted.contains(target.id())) {
        ledger.skip(target, BUSY);
      }
    }
    List<Target> acting = resolved.stream().filter(t -> granted.contains(t.id())).toList();
    return acting.isEmpty()
        ? new Result(
            acting,
            "no eligible target: all "
                + resolved.size()
                + " resolved instances are held by other active faults (TARGET_BUSY); nothing"
                + " injected")
        : new Result(acting, null);
  }

  private static Result noAnswer(TargetsClaimed claim, Duration timeout) {
    return new Result(
        List.of(),
        "target claim "
            + claim.claimId()
            + " got no grant within "
            + timeout.toMillis()
            + " ms (is the policy service running?); nothing injected");
  }
}
