package io.faultline.events.lifecycle;

/** Why a fault was rejected, failed or aborted: a closed set, also used as span attribute. */
public enum FailureReason {
  /** Rejected by an admission rule; see the event's rule outcomes. */
  POLICY_RULE,
  /** The request broke the contract. */
  INVALID_REQUEST,
  /** The role in the target account could not be assumed. */
  ASSUME_ROLE,
  /** No target could be resolved, or every resolved target was protected. */
  TARGET_SELECTION,
  /** A pre-check failed (SSM agent offline, cluster missing). */
  PRE_CHECK,
  /** Injection failed on at least one target. */
  INJECT,
  /** Rollback failed on at least one target. */
  ROLLBACK,
  /** Verification after rollback failed (e.g. the ECS agent did not reconnect). */
  VERIFY,
  /** Aborted by an operator or a run abort. */
  ABORTED,
  /** Aborted because its tenant or the platform was halted. */
  HALTED,
  /** A phase took longer than allowed. */
  TIMEOUT,
  /** The executor that ran it died; another one drove it to its end. */
  EXECUTOR_LOST,
  /**
   * The executor read the approval after its start deadline ({@code leaseExpiresAt}): the lease may
   * already be released and its targets given to another fault, so nothing was done.
   */
  APPROVAL_EXPIRED,
  /** An unexpected error inside Faultline. */
  INTERNAL
}
