package io.faultline.scheduler.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.faultline.events.Fixtures;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.AwsRegion;
import io.faultline.events.policy.RegisteredAccount;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.scheduler.state.CommandKind;
import io.faultline.scheduler.state.MissedFirePolicy;
import io.faultline.scheduler.state.Schedule;
import io.faultline.scheduler.state.SchedulerCommand;
import io.faultline.scheduler.state.StateJson;
import io.faultline.scheduler.state.TenantState;
import java.time.Instant;
import java.util.List;
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
}
