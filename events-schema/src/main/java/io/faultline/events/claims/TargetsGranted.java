package io.faultline.events.claims;

import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.FaultKey;
import io.faultline.events.ids.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Admission's answer to one {@link TargetsClaimed}. On {@code faultline.target-grants.v1}, keyed by
 * fault key; written by the policy service, read by every executor. The granted instances are held
 * with the fault's lease and released with it (terminal event or lease expiry).
 *
 * @param granted the claimed instances the fault now holds (or already held)
 * @param busy the claimed instances another active fault holds: not granted (no holder is named, it
 *     may be another tenant's)
 * @param refusal why nothing was granted (the fault holds no lease: it ended or its lease expired);
 *     null when the claim was decided instance by instance
 */
public record TargetsGranted(
    TenantId tenantId,
    FaultId faultId,
    String claimId,
    List<String> granted,
    List<String> busy,
    String refusal,
    Instant decidedAt) {
  public TargetsGranted {
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(faultId, "faultId");
    Objects.requireNonNull(claimId, "claimId");
    Objects.requireNonNull(decidedAt, "decidedAt");
    granted = List.copyOf(granted);
    busy = List.copyOf(busy);
  }

  public FaultKey key() {
    return new FaultKey(tenantId, faultId);
  }
}
