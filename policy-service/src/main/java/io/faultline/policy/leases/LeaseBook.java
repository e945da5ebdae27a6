package io.faultline.policy.leases;

import io.faultline.policy.rules.ActiveFaults;
import io.faultline.policy.rules.RequestedTargets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The in-memory index of active leases and target cooldowns: counts per tenant, per account and
 * platform-wide, and which fault holds which target. Not thread-safe; owned by the single admission
 * task, and rebuilt from its state stores whenever that task (re)starts, so it never outlives an
 * aborted transaction.
 */
public final class LeaseBook implements ActiveFaults {
  private final Map<String, Lease> leases = new HashMap<>();
  private final Map<String, Integer> perTenant = new HashMap<>();
  private final Map<String, Integer> perAccount = new HashMap<>();
  private final Map<String, String> holders = new HashMap<>();
  private final Map<String, java.util.Set<String>> sharedHolders = new HashMap<>();
  private final Map<String, Long> endedAt = new HashMap<>();

  public void clear() {
    leases.clear();
    perTenant.clear();
    perAccount.clear();
    holders.clear();
    sharedHolders.clear();
    endedAt.clear();
  }

  public void take(Lease lease) {
    if (leases.putIfAbsent(lease.key(), lease) != null) {
      throw new IllegalStateException("fault " + lease.key() + " already holds a lease");
    }
    perTenant.merge(lease.tenantId(), 1, Integer::sum);
    perAccount.merge(lease.accountId(), 1, Integer::sum);
    for (String target : lease.targets()) {
      if (RequestedTargets.isShared(target)) {
        sharedHolders
            .computeIfAbsent(target, k -> new java.util.LinkedHashSet<>())
            .add(lease.key());
      } else {
        holders.put(target, lease.key());
      }
    }
  }

  /**
   * Replaces a fault's lease with one holding more targets (a granted claim): the new targets are
   * held by it from now on. Targets are never dropped this way.
   */
  public void extend(Lease lease) {
    Lease before = leases.get(lease.key());
    if (before == null) {
      throw new IllegalStateException("fault " + lease.key() + " holds no lease to extend");
    }
    leases.put(lease.key(), lease);
    for (String target : lease.targets()) {
      if (!before.targets().contains(target) && !RequestedTargets.isShared(target)) {
        holders.put(target, lease.key());
      }
    }
  }

  /** Updates a lease in place (same fault, same targets), e.g. its last seen sequence. */
  public void update(Lease lease) {
    leases.replace(lease.key(), lease);
  }

  /**
   * Releases a fault's lease ({@code faultKey}: {@link Lease#key()}); its targets start cooling
   * down at {@code now}.
   */
  public Optional<Lease> release(String faultKey, Instant now) {
    Lease lease = leases.remove(faultKey);
    if (lease == null) {
      return Optional.empty();
    }
    perTenant.computeIfPresent(lease.tenantId(), (k, n) -> n == 1 ? null : n - 1);
    perAccount.computeIfPresent(lease.accountId(), (k, n) -> n == 1 ? null : n - 1);
    for (String target : lease.targets()) {
      if (RequestedTargets.isShared(target)) {
        sharedHolders.computeIfPresent(
            target,
            (k, faults) -> {
              faults.remove(faultKey);
              return faults.isEmpty() ? null : faults;
            });
      } else {
        holders.remove(target, faultKey);
      }
    }
    lease.targets().forEach(t -> endedAt.put(t, now.toEpochMilli()));
    return Optional.of(lease);
  }

  /** Restores a cooldown entry read back from the state store. */
  public void restoreCooldown(String target, long endedAtMs) {
    endedAt.put(target, endedAtMs);
  }

  /** Drops cooldown entries of targets whose last fault ended before {@code horizonMs}. */
  public void forgetCooldownsBefore(long horizonMs) {
    endedAt.values().removeIf(ms -> ms < horizonMs);
  }

  /** The lease of {@code faultKey} ({@link Lease#key()}). */
  public Optional<Lease> lease(String faultKey) {
    return Optional.ofNullable(leases.get(faultKey));
  }

  public List<Lease> expiredAt(long nowMs) {
    List<Lease> expired = new ArrayList<>();
    for (Lease lease : leases.values()) {
      if (lease.expiresAtMs() <= nowMs) {
        expired.add(lease);
      }
    }
    return expired;
  }

  @Override
  public int activeForTenant(String tenantId) {
    return perTenant.getOrDefault(tenantId, 0);
  }

  @Override
  public int activeForAccount(String accountId) {
    return perAccount.getOrDefault(accountId, 0);
  }

  @Override
  public int activeOnPlatform() {
    return leases.size();
  }

  @Override
  public Optional<String> holderOf(String targetKey) {
    if (RequestedTargets.isShared(targetKey)) {
      java.util.Set<String> faults = sharedHolders.get(targetKey);
      return faults == null ? Optional.empty() : Optional.of(String.join(", ", faults));
    }
    return Optional.ofNullable(holders.get(targetKey));
  }

  @Override
  public Optional<Instant> lastEnded(String targetKey) {
    Long ms = endedAt.get(targetKey);
    return ms == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(ms));
  }
}
