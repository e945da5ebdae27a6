package io.faultline.policy.owners;

import io.faultline.events.decision.RuleCode;
import io.faultline.events.decision.RuleOutcome;
import io.faultline.events.request.FaultRequested;
import io.faultline.policy.rules.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * Adds the account-owner rule to a verdict: a request whose account another tenant owns fails with
 * {@link RuleCode#ACCOUNT_NOT_OWNED}, rule {@value #RULE}, never naming that tenant. Only a failure
 * is added (an unclaimed or own account leaves the verdict as the other rules made it).
 */
public final class AccountOwnerRule {
  private AccountOwnerRule() {}

  public static final String RULE = "account-owner";

  public static Verdict apply(Verdict verdict, FaultRequested request, AccountOwnerLookup owners) {
    if (!owners.ownedByAnother(request.accountId(), request.tenantId())) {
      return verdict;
    }
    List<RuleOutcome> outcomes = new ArrayList<>(verdict.outcomes());
    outcomes.add(
        RuleOutcome.fail(
            RULE,
            RuleCode.ACCOUNT_NOT_OWNED,
            "accountId "
                + request.accountId()
                + " belongs to another tenant (rule accountOwnedByAnotherTenant): an AWS account"
                + " belongs to exactly one tenant"));
    return new Verdict(outcomes, verdict.dryRun());
  }
}
