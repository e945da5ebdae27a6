package io.faultline.executor.guard;

import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.TenantId;
import io.faultline.events.policy.RegisteredAccount;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each tenant's registered accounts (role, external id, regions) as its latest policy says, read
 * from the tenant-policies topic: how run watches reach a tenant's CloudWatch (ADR 0010). Faults
 * take theirs from their approvals. Thread-safe; never prints external ids.
 */
public final class TenantAccounts {
  private final Map<String, List<RegisteredAccount>> current = new ConcurrentHashMap<>();

  /** The tenant's registration of {@code account}; empty when unknown or not the tenant's. */
  public Optional<RegisteredAccount> find(TenantId tenant, AccountId account) {
    return current.getOrDefault(tenant.value(), List.of()).stream()
        .filter(a -> a.accountId().equals(account))
        .findFirst();
  }

  /** The tenant's policy now registers {@code accounts}. */
  public void put(TenantId tenant, List<RegisteredAccount> accounts) {
    current.put(tenant.value(), List.copyOf(accounts));
  }

  /** The tenant's policy was deleted. */
  void remove(String tenant) {
    current.remove(tenant);
  }
}
