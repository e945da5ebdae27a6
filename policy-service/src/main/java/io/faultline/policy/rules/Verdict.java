package io.faultline.policy.rules;

import io.faultline.events.decision.RuleOutcome;
import java.util.List;

/**
 * Every rule evaluated for one request.
 *
 * @param dryRun whether an approval must be a dry run (requested, or the policy allows no more)
 */
public record Verdict(List<RuleOutcome> outcomes, boolean dryRun) {
  public Verdict {
    outcomes = List.copyOf(outcomes);
  }

  public boolean approved() {
    return outcomes.stream().allMatch(RuleOutcome::passed);
  }

  public List<RuleOutcome> failed() {
    return outcomes.stream().filter(o -> !o.passed()).toList();
  }
}
