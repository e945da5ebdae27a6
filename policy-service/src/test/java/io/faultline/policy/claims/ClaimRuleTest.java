package io.faultline.policy.claims;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.claims.TargetsClaimed;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.AwsRegion;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.TenantId;
import io.faultline.policy.leases.Lease;
import io.faultline.policy.leases.LeaseBook;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The grant rule alone: a lease book, a claim, the answer. */
class ClaimRuleTest {
  static final Instant NOW = Instant.parse("2026-11-18T10:00:00Z");
  static final String ACCOUNT = "111111111111";
  static final String I1 = "i-0000000000000001a";
  static final String I2 = "i-0000000000000002a";
  static final String I3 = "i-0000000000000003a";

  final LeaseBook book = new LeaseBook();

  @Test
  void grantsInstancesNoOtherFaultHoldsAndAddsThemToTheLease() {
    Lease tagFault = lease("acme", "f-tag", List.of());
    book.take(tagFault);

    ClaimDecision decision = decide(claim("acme", "f-tag", I1, I2), tagFault, Duration.ZERO);

    assertThat(decision.answer().granted()).containsExactly(I1, I2);
    assertThat(decision.answer().busy()).isEmpty();
    assertThat(decision.answer().refusal()).isNull();
    assertThat(decision.extended().targets()).containsExactly("ec2:" + I1, "ec2:" + I2);
  }

  @Test
  void refusesInstancesAnotherFaultOfAnyTenantHolds() {
    book.take(lease("globex", "f-ids", List.of("ec2:" + I2)));
    Lease tagFault = lease("acme", "f-tag", List.of());
    book.take(tagFault);

    ClaimDecision decision = decide(claim("acme", "f-tag", I1, I2, I3), tagFault, Duration.ZERO);

    assertThat(decision.answer().granted()).containsExactly(I1, I3);
    assertThat(decision.answer().busy()).containsExactly(I2);
    assertThat(decision.extended().targets()).containsExactly("ec2:" + I1, "ec2:" + I3);
  }

  @Test
  void anOverlappingSecondClaimGetsOnlyWhatTheFirstLeftFree() {
    Lease first = lease("acme", "f-a", List.of());
    Lease second = lease("acme", "f-b", List.of());
    book.take(first);
    book.take(second);
    book.extend(decide(claim("acme", "f-a", I1, I2), first, Duration.ZERO).extended());

    ClaimDecision decision = decide(claim("acme", "f-b", I2, I3), second, Duration.ZERO);

    assertThat(decision.answer().granted()).containsExactly(I3);
    assertThat(decision.answer().busy()).containsExactly(I2);
  }

  @Test
  void aRepeatedClaimIsGrantedWhatTheFaultHoldsWithoutTakingItTwice() {
    Lease tagFault = lease("acme", "f-tag", List.of());
    book.take(tagFault);
    Lease extended = decide(claim("acme", "f-tag", I1), tagFault, Duration.ZERO).extended();
    book.extend(extended);

    ClaimDecision again = decide(claim("acme", "f-tag", I1), extended, Duration.ZERO);

    assertThat(again.answer().granted()).containsExactly(I1);
    assertThat(again.answer().busy()).isEmpty();
    assertThat(again.extended()).as("nothing new to hold").isNull();
  }

  @Test
  void refusesAnInstanceStillCoolingDownAfterAnEarlierFault() {
    Lease ended = lease("acme", "f-old", List.of("ec2:" + I1));
    book.take(ended);
    book.release(ended.key(), NOW.minusSeconds(30));
    Lease tagFault = lease("acme", "f-tag", List.of());
    book.take(tagFault);

    assertThat(decide(claim("acme", "f-tag", I1), tagFault, Duration.ofMinutes(1)).answer().busy())
        .containsExactly(I1);
    assertThat(
            decide(claim("acme", "f-tag", I1), tagFault, Duration.ofSeconds(10)).answer().granted())
        .as("released, and its cooldown is over")
        .containsExactly(I1);
  }

  @Test
  void refusesTheWholeClaimOfAFaultThatHoldsNoLease() {
    ClaimDecision decision =
        ClaimRule.decide(claim("acme", "f-ended", I1), Optional.empty(), book, Duration.ZERO, NOW);

    assertThat(decision.extended()).isNull();
    assertThat(decision.answer().granted()).isEmpty();
    assertThat(decision.answer().refusal()).contains("acme/f-ended holds no lease");
  }

  @Test
  void refusesAClaimForAnotherAccountThanTheLeases() {
    Lease tagFault = lease("acme", "f-tag", List.of());
    book.take(tagFault);
    TargetsClaimed elsewhere =
        new TargetsClaimed(
            TenantId.of("acme"),
            FaultId.of("f-tag"),
            AccountId.of("222222222222"),
            AwsRegion.of("eu-west-1"),
            "c-1",
            "executor-1",
            List.of(I1),
            NOW);

    ClaimDecision decision = decide(elsewhere, tagFault, Duration.ZERO);

    assertThat(decision.answer().granted()).isEmpty();
    assertThat(decision.answer().refusal())
        .isEqualTo("claim names 222222222222/eu-west-1, the lease 111111111111/eu-west-1");
  }

  private ClaimDecision decide(TargetsClaimed claim, Lease lease, Duration cooldown) {
    return ClaimRule.decide(claim, Optional.of(lease), book, cooldown, NOW);
  }

  static TargetsClaimed claim(String tenant, String fault, String... instances) {
    return new TargetsClaimed(
        TenantId.of(tenant),
        FaultId.of(fault),
        AccountId.of(ACCOUNT),
        AwsRegion.of("eu-west-1"),
        "c-" + fault,
        "executor-1",
        List.of(instances),
        NOW);
  }

  static Lease lease(String tenant, String fault, List<String> targets) {
    return new Lease(
        fault,
        tenant,
        ACCOUNT,
        "eu-west-1",
        "ec2-http-reset-peer",
        null,
        null,
        false,
        targets,
        NOW.plusSeconds(60).toEpochMilli(),
        1,
        null);
  }
}
