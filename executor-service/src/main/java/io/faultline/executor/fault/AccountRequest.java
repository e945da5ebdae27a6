package io.faultline.executor.fault;

import io.faultline.events.decision.AccountAccess;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.AwsRegion;
import io.faultline.events.ids.ExperimentId;
import io.faultline.events.ids.FaultCoordinates;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.TenantId;
import java.util.Objects;

/**
 * Who wants to act where: the session's identity (fault, tenant, experiment) and the account access
 * from the approval. {@link #toString()} hides the external id.
 */
public record AccountRequest(
    FaultId faultId,
    TenantId tenantId,
    ExperimentId experimentId,
    AccountId accountId,
    AwsRegion region,
    AccountAccess access) {
  public AccountRequest {
    Objects.requireNonNull(faultId, "faultId");
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(access, "access");
  }

  /** A session for the fault at {@code fault}, in its account and region. */
  public static AccountRequest of(FaultCoordinates fault, AccountAccess access) {
    return new AccountRequest(
        fault.faultId(),
        fault.tenantId(),
        fault.experimentId(),
        fault.accountId(),
        fault.region(),
        access);
  }

  @Override
  public String toString() {
    return "AccountRequest[fault="
        + faultId
        + ", account="
        + accountId
        + ", region="
        + region
        + "]";
  }
}
