package io.faultline.events.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
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
 * @param publisherKeys the keys its publishers sign requests with (ADR 0008), revoked ones included
 * @param requireSignedRequests refuse requests without a valid signature; {@code true} unless the
 *     tenant's admin turned it off while its publishers move to signing (absent in JSON: true)
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
    String updatedBy,
    List<PublisherKey> publisherKeys,
    Boolean requireSignedRequests) {

  @JsonCreator
  public TenantPolicy {
    Objects.requireNonNull(tenantId, "tenantId");
    accounts = List.copyOf(accounts);
    allowedFaultTypes = List.copyOf(allowedFaultTypes);
    protectedTargets = protectedTargets == null ? ProtectedTargets.none() : protectedTargets;
    windows = windows == null ? Windows.always() : windows;
    Objects.requireNonNull(bounds, "bounds");
    Objects.requireNonNull(concurrency, "concurrency");
    publisherKeys = publisherKeys == null ? List.of() : List.copyOf(publisherKeys);
    requireSignedRequests = requireSignedRequests == null || requireSignedRequests;
  }

  /** A policy without publisher keys that requires signed requests. */
  public TenantPolicy(
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
    this(
        tenantId,
        revision,
        accounts,
        allowedFaultTypes,
        protectedTargets,
        windows,
        bounds,
        concurrency,
        cooldownSeconds,
        dryRunOnly,
        updatedAt,
        updatedBy,
        List.of(),
        true);
  }

  /** This policy with other publisher keys and signing requirement (same revision). */
  public TenantPolicy withSigning(List<PublisherKey> keys, boolean requireSigned) {
    return new TenantPolicy(
        tenantId,
        revision,
        accounts,
        allowedFaultTypes,
        protectedTargets,
        windows,
        bounds,
        concurrency,
        cooldownSeconds,
        dryRunOnly,
        updatedAt,
        updatedBy,
        keys,
        requireSigned);
  }

  /** The tenant's key {@code keyId}, revoked or not. */
  public Optional<PublisherKey> publisherKey(String keyId) {
    return publisherKeys.stream().filter(k -> k.keyId().equals(keyId)).findFirst();
  }

  public Optional<RegisteredAccount> account(AccountId accountId) {
    return accounts.stream().filter(a -> a.accountId().equals(accountId)).findFirst();
  }
}
