package io.faultline.scheduler.state;

import io.faultline.events.policy.RegisteredAccount;
import io.faultline.events.policy.TenantPolicy;
import java.util.List;

/**
 * A tenant's registered accounts and its latest published policy (null until the first PUT). The
 * policy's {@code accounts} always equal {@code accounts}.
 */
public record TenantState(
    String tenantId, List<RegisteredAccount> accounts, TenantPolicy policy, String commandId) {
  public TenantState {
    accounts = accounts == null ? List.of() : List.copyOf(accounts);
  }
}
