package io.faultline.policy.leases;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.AwsRegion;
import io.faultline.events.ids.ExperimentId;
import io.faultline.events.ids.FaultCoordinates;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.FaultKey;
import io.faultline.events.ids.FaultType;
import io.faultline.events.ids.RunId;
import io.faultline.events.ids.TenantId;
import java.util.List;
import java.util.Objects;

/**
 * An approved fault's hold on its tenant's and account's concurrency budgets and on its targets.
 * Stored as JSON in the admission's lease store; carries what a {@code LEASE_EXPIRED} event needs.
 *
 * @param targets lease keys (see {@code RequestedTargets#leaseKeys})
 * @param expiresAtMs when the lease expires unless a terminal event or a heartbeat naming the fault
 *     arrives first: the approval's start deadline, then the last heartbeat's append time + lease
 *     grace (ADR 0007); judged against the heartbeat clock, never the policy's own
 * @param lastSequence the highest lifecycle sequence seen for the fault
 */
public record Lease(
    String faultId,
    String tenantId,
    String accountId,
    String region,
    String faultType,
    String experimentId,
    String runId,
    boolean dryRun,
    List<String> targets,
    long expiresAtMs,
    long lastSequence,
    String traceparent) {
  public Lease {
    Objects.requireNonNull(faultId, "faultId");
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(accountId, "accountId");
    targets = List.copyOf(targets);
  }

  /** A lease on the fault at {@code fault}, which must name its account. */
  public static Lease of(
      FaultCoordinates fault,
      boolean dryRun,
      List<String> targets,
      long expiresAtMs,
      long lastSequence,
      String traceparent) {
    return new Lease(
        fault.faultId().value(),
        fault.tenantId().value(),
        fault.accountId().value(),
        fault.region() == null ? null : fault.region().value(),
        fault.faultType() == null ? null : fault.faultType().value(),
        fault.experimentId() == null ? null : fault.experimentId().value(),
        fault.runId() == null ? null : fault.runId().value(),
        dryRun,
        targets,
        expiresAtMs,
        lastSequence,
        traceparent);
  }

  /** The leased fault's coordinates, as far as the stored lease names them. */
  @JsonIgnore
  public FaultCoordinates coordinates() {
    return new FaultCoordinates(
        FaultId.of(faultId),
        TenantId.of(tenantId),
        experimentId == null ? null : ExperimentId.of(experimentId),
        runId == null ? null : RunId.of(runId),
        faultType == null ? null : FaultType.of(faultType),
        AccountId.of(accountId),
        region == null ? null : AwsRegion.of(region));
  }

  /** The fault's identity, {@code <tenantId>/<faultId>} (ADR 0007): what leases are keyed by. */
  public String key() {
    return keyOf(tenantId, faultId);
  }

  public static String keyOf(String tenantId, String faultId) {
    return FaultKey.of(tenantId, faultId).value();
  }

  /** This lease, kept until {@code expiresAtMs} if that is later than its expiry now. */
  public Lease renewedUntil(long expiresAtMs) {
    return new Lease(
        faultId,
        tenantId,
        accountId,
        region,
        faultType,
        experimentId,
        runId,
        dryRun,
        targets,
        Math.max(this.expiresAtMs, expiresAtMs),
        lastSequence,
        traceparent);
  }

  /** This lease holding {@code added} too (target claims); keys it holds already are kept once. */
  public Lease withTargets(List<String> added) {
    java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(targets);
    all.addAll(added);
    return new Lease(
        faultId,
        tenantId,
        accountId,
        region,
        faultType,
        experimentId,
        runId,
        dryRun,
        List.copyOf(all),
        expiresAtMs,
        lastSequence,
        traceparent);
  }

  public Lease withLastSequence(long sequence) {
    return new Lease(
        faultId,
        tenantId,
        accountId,
        region,
        faultType,
        experimentId,
        runId,
        dryRun,
        targets,
        expiresAtMs,
        Math.max(lastSequence, sequence),
        traceparent);
  }
}
