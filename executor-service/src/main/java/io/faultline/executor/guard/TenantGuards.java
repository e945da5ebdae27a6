package io.faultline.executor.guard;

import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.ids.TenantId;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each tenant's protected targets as its latest policy says, read from the tenant-policies topic.
 * Thread-safe: written by the reader, read by every fault before each inject batch.
 */
public final class TenantGuards {
  private final Map<String, ProtectedTargetGuard> current = new ConcurrentHashMap<>();

  /** The tenant's guard now; empty when its policy is unknown (not read yet, or deleted). */
  public Optional<ProtectedTargetGuard> current(TenantId tenant) {
    return Optional.ofNullable(current.get(tenant.value()));
  }

  /**
   * The guard a fault of {@code tenant} approved under {@code approved} applies now: the union of
   * both, so a protection the approval carried is never lifted and one added since is applied. Only
   * the approval's guard when the tenant's policy is unknown.
   */
  public ProtectedTargetGuard forFault(TenantId tenant, ProtectedTargetGuard approved) {
    return stricter(approved, current(tenant));
  }

  /** {@code approved}, with what {@code current} protects besides (pure). */
  static ProtectedTargetGuard stricter(
      ProtectedTargetGuard approved, Optional<ProtectedTargetGuard> current) {
    return current.map(approved::union).orElse(approved);
  }

  /** The tenant's policy now protects {@code guard}. */
  void put(String tenant, ProtectedTargetGuard guard) {
    current.put(tenant, guard);
  }

  /** The tenant's policy was deleted (a tombstone): its faults keep their approvals' guards. */
  void remove(String tenant) {
    current.remove(tenant);
  }

  /** How many tenants' guards are known. */
  public int size() {
    return current.size();
  }
}
