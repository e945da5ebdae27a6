package io.faultline.scheduler.state;

import io.faultline.events.policy.PublisherKey;
import io.faultline.events.policy.RegisteredAccount;
import io.faultline.events.policy.TenantPolicy;
import java.util.List;

/**
 * A tenant's registered accounts, its publisher keys and its latest published policy (null until
 * the first PUT). The policy's {@code accounts} always equal {@code accounts}, and its {@code
 * publisherKeys} equal {@code publisherKeys}.
 *
 * @param publisherKeys the keys its publishers sign requests with (ADR 0008), revoked ones
 *     included, in the order they were added; absent from state written before they existed
 */
public record TenantState(
    String tenantId,
    List<RegisteredAccount> accounts,
    TenantPolicy policy,
    String commandId,
    List<PublisherKey> publisherKeys) {
  /**
   * At most this many publisher keys per tenant, revoked ones included: they all travel in every
   * revision of its policy, a bounded document.
   */
  public static final int MAX_PUBLISHER_KEYS = 100;

  public TenantState {
    accounts = accounts == null ? List.of() : List.copyOf(accounts);
    publisherKeys = publisherKeys == null ? List.of() : List.copyOf(publisherKeys);
  }
}
