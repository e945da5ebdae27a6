package io.faultline.events.claims;

import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.AwsRegion;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.FaultKey;
import io.faultline.events.ids.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An executor asks admission for the instances a fault's tag selector resolved to. On {@code
 * faultline.target-claims.v1}, keyed by tenant id (so it meets the tenant's admission); written by
 * executors, read by the policy service. Idempotent: instances the fault already holds are granted
 * again, so a claim repeated after a takeover takes nothing twice.
 *
 * @param claimId unique per claim; the grant echoes it, so a waiter never takes an older answer
 * @param instanceIds the resolved instances, at most {@link #MAX_INSTANCES}, no duplicates
 */
public record TargetsClaimed(
    TenantId tenantId,
    FaultId faultId,
    AccountId accountId,
    AwsRegion region,
    String claimId,
    String executorId,
    List<String> instanceIds,
    Instant claimedAt) {
  /** As many targets as a policy lets one fault act on. */
  public static final int MAX_INSTANCES = 10_000;

  public TargetsClaimed {
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(faultId, "faultId");
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(claimId, "claimId");
    Objects.requireNonNull(executorId, "executorId");
    Objects.requireNonNull(claimedAt, "claimedAt");
    instanceIds = List.copyOf(instanceIds);
    if (instanceIds.size() > MAX_INSTANCES) {
      throw new IllegalArgumentException(
          "instanceIds must list at most " + MAX_INSTANCES + ", listed " + instanceIds.size());
    }
    if (instanceIds.stream().distinct().count() != instanceIds.size()) {
      throw new IllegalArgumentException("instanceIds must not repeat an instance");
    }
  }

  public FaultKey key() {
    return new FaultKey(tenantId, faultId);
  }
}
