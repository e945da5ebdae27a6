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

  /** Whether this fault id was decided within {@link AdmissionProcessor#MEMORY}. */
  boolean decided(String faultId);

  ActiveFaults active();

  Optional<Lease> lease(String faultId);

  /** Leases whose expiry is at or before {@code nowMs}. */
  List<Lease> expiredAt(long nowMs);
}
