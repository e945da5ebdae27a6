package io.faultline.executor.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.ids.TenantId;
import io.faultline.events.policy.TagRule;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TenantGuardsTest {
  private static final TenantId ACME = TenantId.of("acme");
  private static final ProtectedTargetGuard APPROVED =
      new ProtectedTargetGuard(
          List.of("i-approved"), List.of("payments"), List.of(new TagRule("tier", List.of("db"))));
  private static final ProtectedTargetGuard NOW =
      new ProtectedTargetGuard(List.of("i-new"), List.of(), List.of());

  @Test
  void aTenantWithoutAKnownPolicyKeepsItsApprovalsGuard() {
    TenantGuards guards = new TenantGuards();

    assertThat(guards.current(ACME)).isEmpty();
    assertThat(guards.forFault(ACME, APPROVED)).isEqualTo(APPROVED);
  }

  @Test
  void addsWhatTheTenantProtectsNowAndLiftsNothingTheApprovalProtected() {
    TenantGuards guards = new TenantGuards();
    guards.put("acme", NOW);

    ProtectedTargetGuard applied = guards.forFault(ACME, APPROVED);

    assertThat(applied.instanceIds()).containsExactly("i-approved", "i-new");
    assertThat(applied.clusterNames()).containsExactly("payments");
    assertThat(applied.tags()).containsExactly(new TagRule("tier", List.of("db")));
    assertThat(guards.forFault(TenantId.of("other"), APPROVED)).isEqualTo(APPROVED);
  }

  @Test
  void aDeletedTenantsFaultsKeepTheirApprovalsGuard() {
    TenantGuards guards = new TenantGuards();
    guards.put("acme", NOW);

    guards.remove("acme");

    assertThat(guards.current(ACME)).isEmpty();
    assertThat(guards.forFault(ACME, APPROVED)).isEqualTo(APPROVED);
    assertThat(guards.size()).isZero();
  }

  @Test
  void stricterIsTheApprovalsGuardWhenNothingIsKnown() {
    assertThat(TenantGuards.stricter(APPROVED, Optional.empty())).isSameAs(APPROVED);
    assertThat(TenantGuards.stricter(ProtectedTargetGuard.none(), Optional.of(NOW))).isEqualTo(NOW);
  }
}
