package io.faultline.scheduler.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.faultline.events.Fixtures;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.AwsRegion;
import io.faultline.events.policy.PublisherKey;
import io.faultline.events.policy.RegisteredAccount;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.scheduler.state.CommandKind;
import io.faultline.scheduler.state.MissedFirePolicy;
import io.faultline.scheduler.state.Schedule;
import io.faultline.scheduler.state.SchedulerCommand;
import io.faultline.scheduler.state.StateJson;
import io.faultline.scheduler.state.TenantState;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

class CommandsTest {
  private static final Instant NOW = Instant.parse("2030-01-07T08:02:00Z");
  private static final String ROLE = "arn:aws:iam::222222222222:role/faultline-target";

  private static SchedulerCommand command(CommandKind kind, String id) {
    return SchedulerCommand.of("c-" + kind, kind, "acme", id, NOW, "user:admin");
  }

  private static RegisteredAccount account(String externalId, String region) {
    return new RegisteredAccount(
        AccountId.of("222222222222"), ROLE, externalId, List.of(AwsRegion.of(region)));
  }

  @Test
  void refusesACommandKeyedByAnotherTenant() {
    byte[] value = StateJson.write(command(CommandKind.DELETE_EXPERIMENT, "e1"));

    assertThatThrownBy(() -> Commands.read(new Record<>("other", value, 0L)))
        .hasMessageContaining("keyed 'other'");
    assertThat(Commands.read(new Record<>("acme", value, 0L)).id()).isEqualTo("e1");
  }

  @Test
  void aPutScheduleKeepsWhatTheEngineCountedAndPlansItsFirstFire() {
    Schedule stored =
        new Schedule(
            "acme",
            "s1",
            "e1",
            "0 */5 * * * *",
            "UTC",
            null,
            true,
            null,
            null,
            MissedFirePolicy.FIRE_ONCE,
            3,
            NOW,
            NOW.minusSeconds(300),
            "sch-s1-1",
            "old error",
            NOW,
            "user:x",
            "c0");
    Schedule requested =
        new Schedule(
            "acme",
            "s1",
            "e2",
            "0 0 * * * *",
            "UTC",
            null,
            true,
            null,
            null,
            MissedFirePolicy.SKIP,
            0,
            null,
            null,
            null,
            null,
            null,
            null,
            null);

    Schedule merged =
        Commands.putSchedule(
            command(CommandKind.PUT_SCHEDULE, "s1").withSchedule(requested), stored, NOW);

    assertThat(merged.experimentId()).isEqualTo("e2");
    assertThat(merged.firedRuns()).isEqualTo(3);
    assertThat(merged.lastRunId()).isEqualTo("sch-s1-1");
    assertThat(merged.lastError()).isNull();
    assertThat(merged.nextFireAt()).isEqualTo(Instant.parse("2030-01-07T09:00:00Z"));
    assertThat(merged.commandId()).isEqualTo("c-PUT_SCHEDULE");
  }

  @Test
  void eachPolicyChangePublishesTheNextRevisionOverTheRegisteredAccounts() {
    TenantState registered =
        Commands.changeAccounts(
            command(CommandKind.REGISTER_ACCOUNT, "222222222222")
                .withAccount(account("ext-1", "eu-west-1")),
            Commands.noTenantState("acme"),
            NOW);
    assertThat(registered.policy()).isNull();

    SchedulerCommand put = command(CommandKind.PUT_POLICY, null).withPolicy(Fixtures.aPolicy());
    TenantPolicy first = Commands.putPolicy(put, registered, NOW).policy();
    TenantPolicy second =
        Commands.putPolicy(put, Commands.putPolicy(put, registered, NOW), NOW).policy();

    assertThat(first.revision()).isEqualTo(1);
    assertThat(second.revision()).isEqualTo(2);
    assertThat(first.accounts()).isEqualTo(registered.accounts());
    assertThat(first.updatedBy()).isEqualTo("user:admin");
  }

  @Test
  void reRegisteringAnAccountKeepsItsExternalIdSoItsTrustPolicyStaysValid() {
    TenantState first =
        Commands.changeAccounts(
            command(CommandKind.REGISTER_ACCOUNT, "222222222222")
                .withAccount(account("ext-1", "eu-west-1")),
            Commands.noTenantState("acme"),
            NOW);

    TenantState again =
        Commands.changeAccounts(
            command(CommandKind.REGISTER_ACCOUNT, "222222222222")
                .withAccount(account("ext-2", "us-east-1")),
            first,
            NOW);

    assertThat(again.accounts()).hasSize(1);
    assertThat(again.accounts().getFirst().externalId()).isEqualTo("ext-1");
    assertThat(again.accounts().getFirst().regions()).containsExactly(AwsRegion.of("us-east-1"));
  }

  @Test
  void removingAnAccountRepublishesAnExistingPolicyWithoutIt() {
    TenantState withAccount =
        Commands.changeAccounts(
            command(CommandKind.REGISTER_ACCOUNT, "222222222222")
                .withAccount(account("ext-1", "eu-west-1")),
            Commands.noTenantState("acme"),
            NOW);
    TenantState withPolicy =
        Commands.putPolicy(
            command(CommandKind.PUT_POLICY, null).withPolicy(Fixtures.aPolicy()), withAccount, NOW);

    TenantState removed =
        Commands.changeAccounts(
            command(CommandKind.REMOVE_ACCOUNT, "222222222222"), withPolicy, NOW);

    assertThat(removed.accounts()).isEmpty();
    assertThat(removed.policy().accounts()).isEmpty();
    assertThat(removed.policy().revision()).isEqualTo(2);
  }

  private static TenantState registered(String externalId) {
    return Commands.changeAccounts(
        command(CommandKind.REGISTER_ACCOUNT, "222222222222")
            .withAccount(account(externalId, "eu-west-1")),
        Commands.noTenantState("acme"),
        NOW);
  }

  /** What the API sends for a rotation: the new id, the id it replaces and the overlap's end. */
  private static SchedulerCommand rotation(String from, String to, Instant until) {
    return command(CommandKind.ROTATE_EXTERNAL_ID, "222222222222")
        .withAccount(
            new RegisteredAccount(
                AccountId.of("222222222222"),
                ROLE,
                to,
                List.of(AwsRegion.of("eu-west-1")),
                from,
                until));
  }

  @Test
  void aRotationKeepsTheReplacedIdUntilTheOverlapEnds() {
    Instant until = NOW.plusSeconds(86_400);

    TenantState rotated =
        Commands.changeExternalId(rotation("ext-1", "ext-2", until), registered("ext-1"), NOW);

    RegisteredAccount account = rotated.accounts().getFirst();
    assertThat(account.externalId()).isEqualTo("ext-2");
    assertThat(account.previousExternalId()).isEqualTo("ext-1");
    assertThat(account.previousExternalIdUntil()).isEqualTo(until);
    assertThat(Commands.hasEndedOverlap(rotated, until.minusSeconds(1))).isFalse();
    assertThat(Commands.hasEndedOverlap(rotated, until)).isTrue();
    assertThat(
            Commands.dropEndedOverlaps(rotated, until).accounts().getFirst().previousExternalId())
        .isNull();
  }

  @Test
  void aRotationFromAnIdTheAccountNoLongerHasChangesNothing() {
    TenantState stored = registered("ext-1");

    // A concurrent rotation already replaced ext-0: this one only records its command.
    TenantState after =
        Commands.changeExternalId(rotation("ext-0", "ext-2", NOW.plusSeconds(60)), stored, NOW);

    assertThat(after.accounts()).isEqualTo(stored.accounts());
    assertThat(after.commandId()).isEqualTo("c-ROTATE_EXTERNAL_ID");
  }

  @Test
  void endingTheOverlapDropsThePreviousIdAtOnce() {
    TenantState rotated =
        Commands.changeExternalId(
            rotation("ext-1", "ext-2", NOW.plusSeconds(86_400)), registered("ext-1"), NOW);

    TenantState ended =
        Commands.changeExternalId(
            command(CommandKind.END_EXTERNAL_ID_OVERLAP, "222222222222"), rotated, NOW);

    assertThat(ended.accounts().getFirst().externalId()).isEqualTo("ext-2");
    assertThat(ended.accounts().getFirst().previousExternalId()).isNull();
  }

  private static PublisherKey key(String keyId, String n) {
    return new PublisherKey(
        keyId, Map.of("kty", "RSA", "n", n, "e", "AQAB"), NOW, "user:admin", null, null);
  }

  private static SchedulerCommand adding(PublisherKey key) {
    return command(CommandKind.ADD_PUBLISHER_KEY, key.keyId()).withPublisherKey(key);
  }

  private static SchedulerCommand revoking(String keyId, Instant at) {
    return SchedulerCommand.of(
        "c-revoke-" + keyId, CommandKind.REVOKE_PUBLISHER_KEY, "acme", keyId, at, "user:admin");
  }

  private static SchedulerCommand policyPut(boolean requireSignedRequests) {
    return command(CommandKind.PUT_POLICY, null)
        .withPolicy(Fixtures.aPolicy().withSigning(List.of(), requireSignedRequests));
  }

  @Test
  void keysAddedBeforeThePolicyAreInItsFirstRevisionWithTheSigningRequirementOfThePut() {
    TenantState withKey =
        Commands.changePublisherKeys(adding(key("ci", "n-1")), Commands.noTenantState("acme"), NOW);
    assertThat(withKey.policy()).isNull();
    assertThat(withKey.publisherKeys()).extracting(PublisherKey::keyId).containsExactly("ci");

    TenantState relaxed = Commands.putPolicy(policyPut(false), withKey, NOW);
    TenantPolicy first = relaxed.policy();
    TenantPolicy second = Commands.putPolicy(policyPut(true), relaxed, NOW).policy();

    assertThat(first.revision()).isEqualTo(1);
    assertThat(first.publisherKeys()).isEqualTo(withKey.publisherKeys());
    assertThat(first.requireSignedRequests()).isFalse();
    assertThat(second.publisherKeys()).isEqualTo(withKey.publisherKeys());
    assertThat(second.requireSignedRequests()).isTrue();
  }

  @Test
  void addingAKeyPublishesTheNextRevisionWithItKeepingTheRestOfThePolicy() {
    TenantState withPolicy =
        Commands.putPolicy(policyPut(false), registered("ext-1"), NOW.minusSeconds(60));

    TenantState added = Commands.changePublisherKeys(adding(key("ci", "n-1")), withPolicy, NOW);

    TenantPolicy policy = added.policy();
    assertThat(policy.revision()).isEqualTo(2);
    assertThat(policy.publisherKey("ci")).contains(key("ci", "n-1"));
    assertThat(policy.requireSignedRequests()).isFalse();
    assertThat(policy.accounts()).isEqualTo(withPolicy.accounts());
    assertThat(policy.bounds()).isEqualTo(withPolicy.policy().bounds());
    assertThat(policy.updatedAt()).isEqualTo(NOW);
    assertThat(added.commandId()).isEqualTo("c-ADD_PUBLISHER_KEY");
  }

  @Test
  void neverAddsAKeyIdTwiceNotEvenOnceItWasRevoked() {
    TenantState withPolicy = Commands.putPolicy(policyPut(true), registered("ext-1"), NOW);
    TenantState added = Commands.changePublisherKeys(adding(key("ci", "n-1")), withPolicy, NOW);
    TenantState revoked = Commands.changePublisherKeys(revoking("ci", NOW), added, NOW);

    SchedulerCommand second =
        SchedulerCommand.of("c-again", CommandKind.ADD_PUBLISHER_KEY, "acme", "ci", NOW, "user:b")
            .withPublisherKey(key("ci", "n-2"));

    TenantState again = Commands.changePublisherKeys(second, revoked, NOW);

    assertThat(again.publisherKeys()).isEqualTo(revoked.publisherKeys());
    assertThat(again.policy()).isEqualTo(revoked.policy());
    assertThat(again.commandId()).isEqualTo("c-again");
  }

  @Test
  void revokingKeepsTheKeyListedAsOfTheRequestAndRepublishes() {
    TenantState added =
        Commands.changePublisherKeys(
            adding(key("ci", "n-1")),
            Commands.putPolicy(policyPut(true), registered("ext-1"), NOW),
            NOW);
    Instant asked = NOW.plusSeconds(5);

    TenantState revoked =
        Commands.changePublisherKeys(revoking("ci", asked), added, NOW.plusSeconds(6));
    TenantState twice =
        Commands.changePublisherKeys(revoking("ci", asked.plusSeconds(60)), revoked, NOW);

    assertThat(revoked.publisherKeys().getFirst().revokedAt()).isEqualTo(asked);
    assertThat(revoked.policy().publisherKey("ci").orElseThrow().revokedAt()).isEqualTo(asked);
    assertThat(revoked.policy().revision()).isEqualTo(added.policy().revision() + 1);
    assertThat(twice.policy()).isEqualTo(revoked.policy());
    assertThat(twice.publisherKeys().getFirst().revokedAt()).isEqualTo(asked);
  }

  @Test
  void accountChangesRotationsAndEndedOverlapsCarryTheKeysAndTheSigningRequirement() {
    TenantState signed =
        Commands.changePublisherKeys(
            adding(key("ci", "n-1")),
            Commands.putPolicy(policyPut(false), registered("ext-1"), NOW),
            NOW);
    Instant until = NOW.plusSeconds(86_400);

    TenantState reRegistered =
        Commands.changeAccounts(
            command(CommandKind.REGISTER_ACCOUNT, "222222222222")
                .withAccount(account("ext-9", "us-east-1")),
            signed,
            NOW);
    TenantState rotated =
        Commands.changeExternalId(rotation("ext-1", "ext-2", until), reRegistered, NOW);
    TenantState dropped = Commands.dropEndedOverlaps(rotated, until);
    TenantState removed =
        Commands.changeAccounts(command(CommandKind.REMOVE_ACCOUNT, "222222222222"), dropped, NOW);

    for (TenantState state : List.of(reRegistered, rotated, dropped, removed)) {
      assertThat(state.publisherKeys()).isEqualTo(signed.publisherKeys());
      assertThat(state.policy().publisherKeys()).isEqualTo(signed.publisherKeys());
      assertThat(state.policy().requireSignedRequests()).isFalse();
    }
    assertThat(removed.policy().revision()).isEqualTo(signed.policy().revision() + 4);
  }

  @Test
  void keepsAtMostTheMaximumNumberOfKeys() {
    TenantState state = Commands.noTenantState("acme");
    for (int i = 0; i < TenantState.MAX_PUBLISHER_KEYS; i++) {
      state = Commands.changePublisherKeys(adding(key("k" + i, "n")), state, NOW);
    }

    TenantState full = Commands.changePublisherKeys(adding(key("one-more", "n")), state, NOW);

    assertThat(full.publisherKeys()).hasSize(TenantState.MAX_PUBLISHER_KEYS);
    assertThat(full.publisherKeys()).noneMatch(k -> k.keyId().equals("one-more"));
  }

  @Test
  void readsStateAndCommandsWrittenBeforePublisherKeysExisted() {
    byte[] state =
        "{\"tenantId\":\"acme\",\"accounts\":[],\"commandId\":\"c0\"}"
            .getBytes(StandardCharsets.UTF_8);
    byte[] command =
        ("{\"commandId\":\"c1\",\"kind\":\"REMOVE_ACCOUNT\",\"tenantId\":\"acme\","
                + "\"id\":\"222222222222\",\"issuedAt\":\"2030-01-07T08:02:00Z\"}")
            .getBytes(StandardCharsets.UTF_8);

    assertThat(StateJson.read(state, TenantState.class).publisherKeys()).isEmpty();
    assertThat(StateJson.read(command, SchedulerCommand.class).publisherKey()).isNull();
    SchedulerCommand added = adding(key("ci", "n-1"));
    assertThat(StateJson.read(StateJson.write(added), SchedulerCommand.class)).isEqualTo(added);
  }
}
