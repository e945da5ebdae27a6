package io.faultline.events.owners;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.TenantId;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import org.apache.kafka.common.utils.Utils;

/**
 * One tenant's claim on an AWS account: the value of the compacted topic {@code
 * faultline.account-owners.v1}. Written only by the scheduler, when a tenant registers the account;
 * withdrawn by a tombstone of the same key when the tenant removes the account or loses a race for
 * it. Which live claim owns the account is decided by {@link AccountOwners} (the earliest wins).
 *
 * <p>The record key is {@link #key()} ({@code <account id>/<tenant id>}) and the record goes to the
 * partition of the account id ({@link #partition}), so every claim on one account is in one
 * partition, in one order, and compaction never removes one tenant's claim because another tenant
 * wrote a later one.
 *
 * @param claimedAt when the scheduler wrote the claim
 */
public record AccountOwnerClaim(TenantId tenantId, AccountId accountId, Instant claimedAt) {
  public AccountOwnerClaim {
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(claimedAt, "claimedAt");
  }

  /** The Kafka key: {@code <account id>/<tenant id>}. */
  @JsonIgnore
  public String key() {
    return keyOf(accountId, tenantId);
  }

  public static String keyOf(AccountId account, TenantId tenant) {
    return account.value() + "/" + tenant.value();
  }

  /**
   * The partition every claim on {@code account} is written to: Kafka's own hash (murmur2, as its
   * default partitioner uses for keys) of the account id alone.
   */
  public static int partition(AccountId account, int partitions) {
    byte[] bytes = account.value().getBytes(StandardCharsets.UTF_8);
    return Utils.toPositive(Utils.murmur2(bytes)) % partitions;
  }
}
