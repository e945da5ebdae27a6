package io.faultline.events.decision;

/**
 * Stable reason codes of admission decisions. Codes are never renamed or reused; new ones may be
 * added (consumers should treat an unknown code as a generic rejection).
 */
public enum RuleCode {
  /** The request is not a valid CloudEvent or fails its schema or the fault-type catalogue. */
  INVALID_REQUEST,
  /** No policy is registered for the tenant. */
  UNKNOWN_TENANT,
  /** The account is not one of the tenant's registered accounts. */
  ACCOUNT_NOT_OWNED,
  /** The region is not allowed for the account. */
  REGION_NOT_ALLOWED,
  /** The fault type is not in the tenant's allowed fault types. */
  FAULT_TYPE_NOT_ALLOWED,
  /** A selected instance or cluster is protected. */
  PROTECTED_TARGET,
  /** The tag selector can only match protected targets. */
  SELECTOR_MATCHES_ONLY_PROTECTED,
  /** Now is outside every allowed window. */
  OUTSIDE_ALLOWED_WINDOW,
  /** Now is inside a blackout window. */
  IN_BLACKOUT_WINDOW,
  /** TOTAL_CHAOS_DURATION (plus ramp) exceeds the policy's maximum. */
  DURATION_EXCEEDS_MAX,
  /** INSTANCE_AFFECTED_PERC exceeds the policy's maximum. */
  AFFECTED_PERCENT_EXCEEDS_MAX,
  /** More explicit targets than the policy's maximum. */
  TARGET_COUNT_EXCEEDS_MAX,
  /** The tenant already has its maximum of active faults. */
  TENANT_CONCURRENCY_LIMIT,
  /** The account already has its maximum of active faults. */
  ACCOUNT_CONCURRENCY_LIMIT,
  /** The platform already runs its maximum of active faults. */
  PLATFORM_CONCURRENCY_LIMIT,
  /** A target already has an active fault (of any tenant). */
  TARGET_BUSY,
  /** A target's last fault ended less than the cooldown ago. */
  TARGET_COOLDOWN,
  /** The tenant is halted. */
  TENANT_HALTED,
  /** The whole platform is halted. */
  PLATFORM_HALTED,
  /**
   * The request carries no signature and its tenant requires one (ADR 0008). Refused requests of
   * this and the next three codes are dead-lettered, not decided: the fault id stays free.
   */
  UNAUTHENTICATED,
  /** The signature names a key the tenant does not have, a revoked or an expired one. */
  UNKNOWN_KEY,
  /** The signature cannot be read or does not verify over the request's canonical bytes. */
  SIGNATURE_INVALID,
  /** The request's time is too far before (or after) its append time. */
  SIGNATURE_EXPIRED,
  /**
   * A DESTINATION_IPS address or CIDR overlaps one of the tenant's protected destinations (a host
   * name resolving into one is refused by the fault's document on the host).
   */
  PROTECTED_DESTINATION
}
