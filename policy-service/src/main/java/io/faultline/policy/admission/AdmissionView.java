package io.faultline.policy.admission;

import io.faultline.events.policy.TenantPolicy;
import io.faultline.policy.leases.Lease;
import io.faultline.policy.rules.ActiveFaults;
import java.util.List;
import java.util.Optional;

/**
 * What {@link Admission} may read: every change decided before the command at hand, and nothing
 * else. {@link AdmissionState} is the one in production; tests use an in-memory one.
 */
interface AdmissionView {
  /** The tenant's policy, or null when none is registered. */
  TenantPolicy policy(String tenantId);

  boolean platformHalted();

  boolean tenantHalted(String tenantId);

  /**
   * Whether the tenant's fault was decided within {@link AdmissionProcessor#MEMORY}. A fault is
   * (tenant, fault id): another tenant's fault with the same id is another fault.
   */
  boolean decided(String tenantId, String faultId);

  ActiveFaults active();

  /**
   * The platform tokens the rules may count active faults against: this admission partition's share
   * of {@code budget} (ADR 0012); the whole budget where the view is not partitioned.
   */
  default int platformTokens(int budget) {
    return budget;
  }

  /** The lease of the tenant's fault, if it holds one. */
  Optional<Lease> lease(String tenantId, String faultId);

  /** Leases whose expiry is at or before {@code nowMs}. */
  List<Lease> expiredAt(long nowMs);
}
