package io.faultline.events.decision;

import java.util.Objects;

/**
 * How the executor reaches the target account: the role to assume and the tenant's external id.
 * Only on the approvals topic (policy-service → executor-service); never on the lifecycle topic,
 * never in logs.
 */
public record AccountAccess(String roleArn, String externalId) {
  public AccountAccess {
    Objects.requireNonNull(roleArn, "roleArn");
    Objects.requireNonNull(externalId, "externalId");
  }

  @Override
  public String toString() {
    return "AccountAccess[roleArn=" + roleArn + ", externalId=***]";
  }
}
