package io.faultline.events.policy;

import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.AwsRegion;
import java.util.List;
import java.util.Objects;

/**
 * An AWS account a tenant has registered: faults may only target it in the listed regions, through
 * the role Faultline assumes with the tenant's external id.
 */
public record RegisteredAccount(
    AccountId accountId, String roleArn, String externalId, List<AwsRegion> regions) {
  public RegisteredAccount {
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(roleArn, "roleArn");
    Objects.requireNonNull(externalId, "externalId");
    regions = List.copyOf(regions);
  }

  /** The external id is a shared secret with the tenant: never print it. */
  @Override
  public String toString() {
    return "RegisteredAccount[accountId="
        + accountId
        + ", roleArn="
        + roleArn
        + ", regions="
        + regions
        + "]";
  }
}
