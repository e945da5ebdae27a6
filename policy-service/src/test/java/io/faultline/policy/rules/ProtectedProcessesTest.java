package io.faultline.policy.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.decision.RuleCode;
import io.faultline.events.decision.RuleOutcome;
import io.faultline.events.policy.ProtectedTargets;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.events.request.FaultRequested;
import io.faultline.policy.PolicyExamples;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The protected-targets rule refuses a process fault naming a process the tenant protects. */
class ProtectedProcessesTest {
  private static final String ACCOUNT = "111111111111";
  private static final Instant NOW = Instant.parse("2026-11-18T10:00:00Z");
  private static final ActiveFaults NONE =
      new ActiveFaults() {
        @Override
        public int activeForTenant(String tenantId) {
          return 0;
        }

        @Override
        public int activeForAccount(String accountId) {
          return 0;
        }

        @Override
        public int activeOnPlatform() {
          return 0;
        }

        @Override
        public Optional<String> holderOf(String targetKey) {
          return Optional.empty();
        }

        @Override
        public Optional<Instant> lastEnded(String targetKey) {
          return Optional.empty();
        }
      };

  private static TenantPolicy protecting(String... names) {
    TenantPolicy p = PolicyExamples.policy("acme", ACCOUNT);
    return new TenantPolicy(
            p.tenantId(),
            p.revision(),
            p.accounts(),
            p.allowedFaultTypes(),
            new ProtectedTargets(
                p.protectedTargets().instanceIds(),
                p.protectedTargets().clusterNames(),
                p.protectedTargets().tags(),
                List.of(),
                List.of(names)),
            p.windows(),
            p.bounds(),
            p.concurrency(),
            p.cooldownSeconds(),
            p.dryRunOnly(),
            p.updatedAt(),
            p.updatedBy())
        .withSigning(List.of(), false);
  }

  private static FaultRequested byName(Map<String, ?> tunables) {
    Map<String, Object> parameters = new HashMap<>(tunables);
    parameters.put("EC2_INSTANCE_TAG", "app:checkout");
    return PolicyExamples.request("acme", "f-names", ACCOUNT, "ec2-process-kill", parameters);
  }

  private static RuleOutcome protectedTargetsRule(FaultRequested request, TenantPolicy policy) {
    Verdict verdict = AdmissionRules.evaluate(request, policy, false, false, NONE, 100, NOW);
    return verdict.outcomes().stream()
        .filter(o -> o.rule().equals(AdmissionRules.PROTECTED_TARGETS))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void rejectsAnExactNameTheTenantProtectsNamingTunableValueAndRule() {
    RuleOutcome outcome =
        protectedTargetsRule(
            byName(Map.of("PROCESS_NAMES", "nginx,sshd")), protecting("postgres", "sshd"));

    assertThat(outcome.passed()).isFalse();
    assertThat(outcome.code()).isEqualTo(RuleCode.PROTECTED_TARGET);
    assertThat(outcome.message())
        .isEqualTo(
            "PROCESS_NAMES 'sshd' names protected process 'sshd'"
                + " (protectedTargets.processNames)");
  }

  @Test
  void comparesExactNamesOnTheFifteenCharactersAProcessNameKeeps() {
    RuleOutcome outcome =
        protectedTargetsRule(
            byName(Map.of("PROCESS_NAMES", "payment-reconciler-v2")),
            protecting("payment-reconciler"));

    assertThat(outcome.passed()).isFalse();
    assertThat(outcome.message()).contains("'payment-reconciler-v2'");
  }

  @Test
  void rejectsAPatternFoundInAProtectedName() {
    RuleOutcome outcome =
        protectedTargetsRule(
            byName(Map.of("PROCESS_NAMES", "^ssh", "PROCESS_MATCH", "pattern")),
            protecting("sshd"));

    assertThat(outcome.passed()).isFalse();
    assertThat(outcome.message())
        .isEqualTo(
            "PROCESS_NAMES pattern '^ssh' matches protected process 'sshd'"
                + " (protectedTargets.processNames)");
  }

  @Test
  void admitsNamesAndPidsOfProcessesNotProtected() {
    assertThat(
            protectedTargetsRule(byName(Map.of("PROCESS_NAMES", "nginx")), protecting("sshd"))
                .passed())
        .isTrue();
    // A PID resolves only on the host: the document refuses a protected name there.
    assertThat(
            protectedTargetsRule(byName(Map.of("PROCESS_IDS", "1234")), protecting("sshd"))
                .passed())
        .isTrue();
  }
}
