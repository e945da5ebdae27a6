package io.faultline.executor.probe;

import io.faultline.events.decision.AccountAccess;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.AwsRegion;
import io.faultline.events.ids.FaultId;
import io.faultline.events.policy.RegisteredAccount;
import io.faultline.executor.fault.AccountRequest;
import io.faultline.executor.guard.TenantAccounts;
import java.time.Clock;

/**
 * Which role a probe of a tenant's run reads an account through: the account as the tenant
 * registered it (its role, external id and regions, from the tenant-policies topic), never another
 * tenant's and never the platform's own credentials (ADR 0004, 0010).
 */
public final class ProbeAccounts {
  private final TenantAccounts accounts;
  private final Clock clock;

  public ProbeAccounts(TenantAccounts accounts, Clock clock) {
    this.accounts = accounts;
    this.clock = clock;
  }

  /**
   * The session request for reading {@code account}/{@code region} for the watch.
   *
   * @throws ProbeUnreadable when the tenant has not registered the account, or not the region
   */
  public AccountRequest request(ProbeContext context, AccountId account, AwsRegion region) {
    RegisteredAccount registered =
        accounts
            .find(context.tenantId(), account)
            .orElseThrow(
                () ->
                    new ProbeUnreadable(
                        "account "
                            + account
                            + " is not registered to tenant "
                            + context.tenantId()
                            + " (or its policy is not known here)"));
    if (!registered.regions().contains(region)) {
      throw new ProbeUnreadable("region " + region + " is not registered for account " + account);
    }
    return new AccountRequest(
        sessionOwner(context),
        context.tenantId(),
        context.experimentId(),
        account,
        region,
        new AccountAccess(
            registered.roleArn(),
            registered.externalId(),
            registered.previousExternalIdAt(clock.instant())));
  }

  // The role session is named after the run (CloudTrail shows "faultline-probes-<run>").
  private static FaultId sessionOwner(ProbeContext context) {
    String id = "probes-" + context.runId().value();
    return FaultId.of(id.length() > 128 ? id.substring(0, 128) : id);
  }
}
