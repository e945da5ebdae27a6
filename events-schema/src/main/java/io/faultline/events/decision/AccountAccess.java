package io.faultline.events.decision;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * How the executor reaches the target account: the role to assume and the tenant's external id.
 * Only on the approvals topic (policy-service → executor-service); never on the lifecycle topic,
 * never in logs.
 *
 * @param previousExternalId the external id before a rotation, while its overlap lasts (else null):
 *     the executor assumes the role with {@code externalId} first and, only if STS refuses it
 *     (AccessDenied), with this one
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AccountAccess(String roleArn, String externalId, String previousExternalId) {
  @JsonCreator
  public AccountAccess(
      @JsonProperty("roleArn") String roleArn,
      @JsonProperty("externalId") String externalId,
      @JsonProperty("previousExternalId") String previousExternalId) {
    this.roleArn = Objects.requireNonNull(roleArn, "roleArn");
    this.externalId = Objects.requireNonNull(externalId, "externalId");
    this.previousExternalId = previousExternalId;
  }

  /** Access without a rotation in progress. */
  public AccountAccess(String roleArn, String externalId) {
    this(roleArn, externalId, null);
  }

  @Override
  public String toString() {
    return "AccountAccess[roleArn="
        + roleArn
        + ", externalId=***"
        + (previousExternalId == null ? "" : ", previousExternalId=***")
        + "]";
  }
}
