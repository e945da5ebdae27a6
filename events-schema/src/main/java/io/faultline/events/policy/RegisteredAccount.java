package io.faultline.events.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.AwsRegion;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An AWS account a tenant has registered: faults may only target it in the listed regions, through
 * the role Faultline assumes with the tenant's external id.
 *
 * @param previousExternalId the external id before the last rotation, or null; still accepted (the
 *     executor falls back to it) until {@code previousExternalIdUntil}
 * @param previousExternalIdUntil when the rotation's overlap ends; null exactly when {@code
 *     previousExternalId} is
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RegisteredAccount(
    AccountId accountId,
    String roleArn,
    String externalId,
    List<AwsRegion> regions,
    String previousExternalId,
    Instant previousExternalIdUntil) {
  @JsonCreator
  public RegisteredAccount(
      @JsonProperty("accountId") AccountId accountId,
      @JsonProperty("roleArn") String roleArn,
      @JsonProperty("externalId") String externalId,
      @JsonProperty("regions") List<AwsRegion> regions,
      @JsonProperty("previousExternalId") String previousExternalId,
      @JsonProperty("previousExternalIdUntil") Instant previousExternalIdUntil) {
    this.accountId = Objects.requireNonNull(accountId, "accountId");
    this.roleArn = Objects.requireNonNull(roleArn, "roleArn");
    this.externalId = Objects.requireNonNull(externalId, "externalId");
    this.regions = List.copyOf(regions);
    if ((previousExternalId == null) != (previousExternalIdUntil == null)) {
      throw new IllegalArgumentException(
          "previousExternalId and previousExternalIdUntil go together");
    }
    this.previousExternalId = previousExternalId;
    this.previousExternalIdUntil = previousExternalIdUntil;
  }

  /** An account without a rotation in progress. */
  public RegisteredAccount(
      AccountId accountId, String roleArn, String externalId, List<AwsRegion> regions) {
    this(accountId, roleArn, externalId, regions, null, null);
  }

  /** The previous external id if its overlap has not ended at {@code now}, else null. */
  public String previousExternalIdAt(Instant now) {
    return previousExternalId != null && now.isBefore(previousExternalIdUntil)
        ? previousExternalId
        : null;
  }

  /** The external ids are a shared secret with the tenant: never print them. */
  @Override
  public String toString() {
    return "RegisteredAccount[accountId="
        + accountId
        + ", roleArn="
        + roleArn
        + ", regions="
        + regions
        + (previousExternalIdUntil == null
            ? ""
            : ", previousExternalIdUntil=" + previousExternalIdUntil)
        + "]";
  }
}
