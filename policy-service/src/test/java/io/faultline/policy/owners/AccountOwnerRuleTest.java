package io.faultline.policy.owners;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.decision.RuleCode;
import io.faultline.events.decision.RuleOutcome;
import io.faultline.events.request.FaultRequested;
import io.faultline.policy.PolicyExamples;
import io.faultline.policy.rules.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccountOwnerRuleTest {
  private final FaultRequested request =
      PolicyExamples.processKill("acme", "f-1", "111111111111", "i-00000000000000001");
  private final Verdict approved =
      new Verdict(List.of(RuleOutcome.pass("account-ownership", "ok")), false);

  @Test
  void leavesTheVerdictAloneForAnUnclaimedOrOwnAccount() {
    assertThat(AccountOwnerRule.apply(approved, request, AccountOwnerLookup.NONE))
        .isSameAs(approved);
  }

  @Test
  void failsARequestForAnotherTenantsAccountWithoutNamingThatTenant() {
    Verdict verdict = AccountOwnerRule.apply(approved, request, (account, tenant) -> true);
    assertThat(verdict.approved()).isFalse();
    assertThat(verdict.failed())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.rule()).isEqualTo("account-owner");
              assertThat(o.code()).isEqualTo(RuleCode.ACCOUNT_NOT_OWNED);
              assertThat(o.message())
                  .isEqualTo(
                      "accountId 111111111111 belongs to another tenant (rule"
                          + " accountOwnedByAnotherTenant): an AWS account belongs to exactly one"
                          + " tenant");
            });
  }
}
