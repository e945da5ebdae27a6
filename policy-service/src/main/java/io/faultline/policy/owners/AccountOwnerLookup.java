package io.faultline.policy.owners;

import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.TenantId;

/** Whom an AWS account belongs to, as far as admission is concerned. */
@FunctionalInterface
public interface AccountOwnerLookup {
  /** Whether a tenant other than {@code tenant} owns the account (an unclaimed account: false). */
  boolean ownedByAnother(AccountId account, TenantId tenant);

  /** No index: every account counts as unclaimed (topology tests without a broker). */
  AccountOwnerLookup NONE = (account, tenant) -> false;
}
