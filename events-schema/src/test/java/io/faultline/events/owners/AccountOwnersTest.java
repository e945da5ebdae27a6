package io.faultline.events.owners;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.TenantId;
import io.faultline.events.topics.Topics;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AccountOwnersTest {
  private static final AccountId ACCOUNT = AccountId.of("111111111111");
  private static final TenantId ACME = TenantId.of("acme"), GLOBEX = TenantId.of("globex");

  private static AccountOwnerClaim claim(TenantId tenant) {
    return new AccountOwnerClaim(tenant, ACCOUNT, Instant.parse("2026-12-05T10:00:00Z"));
  }

  /** A record of the log: key and value (null = tombstone). */
  private record Entry(String key, AccountOwnerClaim value) {}

  private static Entry claimBy(TenantId tenant) {
    return new Entry(AccountOwnerClaim.keyOf(ACCOUNT, tenant), claim(tenant));
  }

  private static Entry withdrawBy(TenantId tenant) {
    return new Entry(AccountOwnerClaim.keyOf(ACCOUNT, tenant), null);
  }

  private static AccountOwners fold(List<Entry> log) {
    AccountOwners owners = new AccountOwners();
    log.forEach(e -> owners.apply(e.key(), e.value()));
    return owners;
  }

  /** What log compaction keeps: the latest record of each key, at its own offset. */
  private static List<Entry> compacted(List<Entry> log) {
    Map<String, Integer> latest = new LinkedHashMap<>();
    for (int i = 0; i < log.size(); i++) {
      latest.put(log.get(i).key(), i);
    }
    List<Entry> kept = new ArrayList<>();
    for (int i = 0; i < log.size(); i++) {
      if (latest.get(log.get(i).key()) == i && log.get(i).value() != null) {
        kept.add(log.get(i));
      }
    }
    return kept;
  }

  @Test
  void theEarliestLiveClaimOwnsTheAccount() {
    AccountOwners owners = fold(List.of(claimBy(ACME), claimBy(GLOBEX)));
    assertThat(owners.owner(ACCOUNT)).contains(ACME);
    assertThat(owners.ownedByAnother(ACCOUNT, GLOBEX)).isTrue();
    assertThat(owners.ownedByAnother(ACCOUNT, ACME)).isFalse();
    assertThat(owners.claimed(ACCOUNT, GLOBEX)).isTrue();
  }

  @Test
  void anUnclaimedAccountHasNoOwner() {
    assertThat(new AccountOwners().owner(ACCOUNT)).isEmpty();
    assertThat(new AccountOwners().ownedByAnother(ACCOUNT, ACME)).isFalse();
  }

  @Test
  void aLoserWithdrawingItsClaimChangesNothingAndTheOwnersReleaseFreesTheAccount() {
    List<Entry> log = new ArrayList<>(List.of(claimBy(ACME), claimBy(GLOBEX), withdrawBy(GLOBEX)));
    assertThat(fold(log).owner(ACCOUNT)).contains(ACME);
    log.add(withdrawBy(ACME));
    assertThat(fold(log).owner(ACCOUNT)).isEmpty();
    log.add(claimBy(GLOBEX));
    assertThat(fold(log).owner(ACCOUNT)).contains(GLOBEX);
  }

  @Test
  void aCompactedLogFoldsToTheSameOwners() {
    List<List<Entry>> logs =
        List.of(
            List.of(claimBy(ACME), claimBy(GLOBEX)),
            List.of(claimBy(ACME), claimBy(GLOBEX), withdrawBy(GLOBEX)),
            List.of(claimBy(ACME), claimBy(GLOBEX), withdrawBy(ACME)),
            List.of(claimBy(ACME), withdrawBy(ACME), claimBy(GLOBEX), claimBy(ACME)),
            List.of(claimBy(GLOBEX), claimBy(ACME), withdrawBy(GLOBEX), claimBy(GLOBEX)));
    for (List<Entry> log : logs) {
      assertThat(fold(compacted(log)).owner(ACCOUNT))
          .as("%s", log)
          .isEqualTo(fold(log).owner(ACCOUNT));
    }
  }

  @Test
  void refusesAKeyThatIsNotTheClaimsOwn() {
    AccountOwners owners = new AccountOwners();
    assertThatThrownBy(() -> owners.apply("111111111111", claim(ACME)))
        .hasMessageContaining("claimKey");
    assertThatThrownBy(() -> owners.apply("111111111111/globex", claim(ACME)))
        .hasMessageContaining("keyMatchesClaim");
  }

  @Test
  void everyClaimOnAnAccountGoesToOnePartition() {
    int partitions = Topics.ACCOUNT_OWNERS.partitions();
    assertThat(AccountOwnerClaim.partition(ACCOUNT, partitions))
        .isBetween(0, partitions - 1)
        .isEqualTo(AccountOwnerClaim.partition(AccountId.of("111111111111"), partitions));
  }

  @Test
  void aClaimRoundTripsThroughTheCodec() {
    var codec = EventCodec.standard();
    var record =
        codec.encode(
            Topics.ACCOUNT_OWNERS,
            FaultlineEvent.of(URI.create("/faultline/scheduler-service"), claim(ACME)));
    assertThat(record.key()).isEqualTo("111111111111/acme");
    var decoded =
        codec.decode(Topics.ACCOUNT_OWNERS, record.key(), record.headers(), record.value());
    assertThat(decoded.data()).isEqualTo(claim(ACME));
    assertThat(decoded.type()).isEqualTo("io.faultline.account.owner.v1");
  }
}
