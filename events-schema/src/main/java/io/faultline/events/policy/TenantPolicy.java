package io.faultline.events.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.FaultType;
import io.faultline.events.ids.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A tenant's policy: the whole of what its faults may do. One document per tenant, keyed by tenant
 * id on the compacted policies topic; the latest revision wins, a tombstone removes the tenant
 * (every later request is rejected).
 *
 * @param cooldownSeconds minimum time between the end of a fault on a target and the start of the
 *     next one on it
 * @param dryRunOnly approve faults as dry runs only: targets are resolved, nothing is injected
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TenantPolicy(
    TenantId tenantId,
    long revision,
    List<RegisteredAccount> accounts,
    List<FaultType> allowedFaultTypes,
    ProtectedTargets protectedTargets,
    Windows windows,
    Bounds bounds,
    Concurrency concurrency,
    int cooldownSeconds,
    boolean dryRunOnly,
    Instant updatedAt,
    String updatedBy) {

  public TenantPolicy {
    Objects.requireNonNull(tenantId, "tenantId");
    accounts = List.copyOf(accounts);
    allowedFaultTypes = List.copyOf(allowedFaultTypes);
    protectedTargets = protectedTargets == null ? ProtectedTargets.none() : protectedTargets;
    windows = windows == null ? Windows.always() : windows;
    Objects.requireNonNull(bounds, "bounds");
    Objects.requireNonNull(concurrency, "concurrency");
  }

  public Optional<RegisteredAccount> account(AccountId accountId) {
    return accounts.stream().filter(a -> a.accountId().equals(accountId)).findFirst();
  }
}
