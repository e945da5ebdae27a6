package io.faultline.policy.rules;

import java.time.Instant;
import java.util.Optional;

/**
 * A read-only view of the faults holding leases right now, as the concurrency, target and cooldown
 * rules need it. Implementations must reflect every approval and release decided before the request
 * being evaluated (the admission processor is the only writer).
 */
public interface ActiveFaults {
  /** Faults of this tenant holding a lease. */
  int activeForTenant(String tenantId);

  /** Faults in this AWS account holding a lease, of any tenant. */
  int activeForAccount(String accountId);

  /** Faults holding a lease in this admission partition (the whole platform when unpartitioned). */
  int activeOnPlatform();

  /** The fault holding a lease on this target key (for a shared key, every one), if any. */
  Optional<String> holderOf(String targetKey);

  /** When the last fault on this target key ended, if one ever did. */
  Optional<Instant> lastEnded(String targetKey);
}
