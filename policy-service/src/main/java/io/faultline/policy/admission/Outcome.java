package io.faultline.policy.admission;

import io.faultline.events.claims.TargetsGranted;
import io.faultline.events.decision.FaultApproved;
import io.faultline.events.decision.RuleCode;
import io.faultline.events.decision.RuleOutcome;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.policy.leases.Lease;
import io.faultline.policy.rules.Verdict;
import java.util.List;

/**
 * What {@link Admission} concluded from one command or one lease check: {@link AdmissionState}
 * writes the state it changes, {@link AdmissionOutput} the events it carries.
 */
sealed interface Outcome {

  /** Nothing changes; {@code why} is for the debug log. */
  record Ignored(String faultId, String why) implements Outcome {}

  /**
   * A request decided: one lifecycle event, sequence 1, with the rules behind it; its records carry
   * {@code traceparent}, the decision span's context.
   */
  sealed interface Decision extends Outcome {
    FaultLifecycleEvent event();

    List<RuleOutcome> rules();

    String traceparent();

    default boolean approved() {
      return false;
    }
  }

  /** Every rule passed: the fault takes {@code lease}; the executor gets {@code approval}. */
  record Approved(Verdict verdict, Lease lease, FaultApproved approval, FaultLifecycleEvent event)
      implements Decision {
    @Override
    public List<RuleOutcome> rules() {
      return verdict.outcomes();
    }

    @Override
    public boolean approved() {
      return true;
    }

    @Override
    public String traceparent() {
      return lease.traceparent();
    }
  }

  /** At least one rule failed; the event names every outcome. */
  record Rejected(Verdict verdict, FaultLifecycleEvent event, String traceparent)
      implements Decision {
    @Override
    public List<RuleOutcome> rules() {
      return verdict.outcomes();
    }
  }

  /** The request broke the contract: one failed rule per violation. */
  record Invalid(List<RuleOutcome> rules, FaultLifecycleEvent event, String traceparent)
      implements Decision {}

  /** A tenant's policy, at a revision not older than the one held. */
  record PolicyStored(String tenantId, TenantPolicy policy) implements Outcome {}

  /** A tenant's policy tombstoned: the tenant is unknown from now on. */
  record PolicyRemoved(String tenantId) implements Outcome {}

  /** A policy older than the one held, ignored so that a bootstrap file never rolls back. */
  record PolicyKept(String tenantId, long offered, long held) implements Outcome {}

  /** A halt switch turned on or off. */
  record HaltSet(String scope, boolean halted) implements Outcome {}

  /** The executor reported a newer sequence; {@code lease} carries it. */
  record SequenceSeen(Lease lease) implements Outcome {}

  /** A heartbeat named the fault: its lease is kept until {@code lease}'s new expiry. */
  record Renewed(Lease lease) implements Outcome {}

  /** A terminal event ended the fault: its lease goes, its targets start cooling down. */
  record Released(Lease lease) implements Outcome {}

  /** No terminal event by the lease's expiry: released as {@link Released}, and said so. */
  record Expired(Lease lease, FaultLifecycleEvent event) implements Outcome {}

  /**
   * A request not shown to come from its tenant (ADR 0008). It is dead-lettered with its reason and
   * not decided: nothing is stored, so it cannot take the fault id from a signed request.
   */
  record Refused(String tenantId, String faultId, byte[] request, RuleCode code, String detail)
      implements Outcome {}

  /**
   * A target claim decided: {@code extended} (null when unchanged) now holds the granted instances;
   * {@code answer} goes to the target-grants topic with the claim's {@code traceparent}.
   */
  record Claimed(Lease extended, TargetsGranted answer, String traceparent) implements Outcome {}
}
