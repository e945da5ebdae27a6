package io.faultline.events.owners;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.TenantId;
import io.faultline.events.topics.Topics;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.header.Headers;

/**
 * The owner of each account, folded from {@code faultline.account-owners.v1} read partition by
 * partition in offset order. <b>First claim wins</b>: an account belongs to the tenant whose live
 * claim (one not withdrawn by a tombstone of its key) comes first in the account's partition; a
 * later claim by another tenant does not own it. Compaction keeps offsets and removes only records
 * that a later record of the same key replaced, so a compacted topic folds to the same owners as
 * the full log. A tenant that claims again moves its claim to the new offset (as compaction would),
 * so a writer never re-claims an account it owns.
 *
 * <p>Thread-safe: one reader thread applies records while others ask for owners.
 */
public final class AccountOwners {
  // Each account's live claimants in log order; the first one owns it.
  private final Map<String, LinkedHashSet<String>> claimants = new HashMap<>();

  /**
   * Applies one record of {@code faultline.account-owners.v1} as read: a tombstone ({@code null}
   * value) withdraws, a claim is decoded with the contract's codec (key check included). An
   * unreadable record throws and changes nothing; its reader skips it.
   */
  public void applyRecord(String key, Headers headers, byte[] value) {
    apply(
        key,
        value == null
            ? null
            : EventCodec.standard().decode(Topics.ACCOUNT_OWNERS, key, headers, value).data());
  }

  /** Applies one record: a claim, or the tombstone ({@code claim == null}) of {@code key}. */
  public synchronized void apply(String key, AccountOwnerClaim claim) {
    int slash = key.indexOf('/');
    if (slash <= 0 || slash == key.length() - 1) {
      throw new IllegalArgumentException(
          "key: must be <account id>/<tenant id> (rule claimKey), was " + key);
    }
    String account = key.substring(0, slash);
    String tenant = key.substring(slash + 1);
    if (claim == null) {
      LinkedHashSet<String> live = claimants.get(account);
      if (live != null && live.remove(tenant) && live.isEmpty()) {
        claimants.remove(account);
      }
      return;
    }
    if (!claim.key().equals(key)) {
      throw new IllegalArgumentException(
          "key: must equal the claim's <account id>/<tenant id> (rule keyMatchesClaim), was "
              + key
              + " for "
              + claim.key());
    }
    LinkedHashSet<String> live = claimants.computeIfAbsent(account, a -> new LinkedHashSet<>());
    live.remove(tenant);
    live.add(tenant);
  }

  /** The account's owner: the tenant of its earliest live claim; empty when nobody claimed it. */
  public synchronized Optional<TenantId> owner(AccountId account) {
    LinkedHashSet<String> live = claimants.get(account.value());
    return live == null || live.isEmpty()
        ? Optional.empty()
        : Optional.of(TenantId.of(live.getFirst()));
  }

  /** Whether {@code tenant} has a live claim on the account (owning it or not). */
  public synchronized boolean claimed(AccountId account, TenantId tenant) {
    LinkedHashSet<String> live = claimants.get(account.value());
    return live != null && live.contains(tenant.value());
  }

  /** Whether another tenant than {@code tenant} owns the account. */
  public boolean ownedByAnother(AccountId account, TenantId tenant) {
    return owner(account).filter(o -> !o.equals(tenant)).isPresent();
  }
}
