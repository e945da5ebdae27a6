package io.faultline.events.decision;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.Fixtures;
import io.faultline.events.policy.ProtectedTargets;
import io.faultline.events.policy.TagRule;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProtectedTargetGuardTest {
  @Test
  void guardsWhatThePolicyProtects() {
    ProtectedTargets targets = Fixtures.aPolicy().protectedTargets();

    ProtectedTargetGuard guard = ProtectedTargetGuard.of(targets);

    assertThat(guard.instanceIds()).isEqualTo(targets.instanceIds());
    assertThat(guard.clusterNames()).isEqualTo(targets.clusterNames());
    assertThat(guard.tags()).isEqualTo(targets.tags());
  }

  @Test
  void unionProtectsWhatEitherGuardProtectsOnce() {
    TagRule pci = new TagRule("data-classification", List.of("pci"));
    TagRule anyTier = new TagRule("tier", List.of());
    ProtectedTargetGuard approved =
        new ProtectedTargetGuard(List.of("i-1", "i-2"), List.of("payments"), List.of(pci));
    ProtectedTargetGuard current =
        new ProtectedTargetGuard(List.of("i-2", "i-3"), List.of(), List.of(anyTier, pci));

    ProtectedTargetGuard union = approved.union(current);

    assertThat(union.instanceIds()).containsExactly("i-1", "i-2", "i-3");
    assertThat(union.clusterNames()).containsExactly("payments");
    assertThat(union.tags()).containsExactly(pci, anyTier);
  }

  @Test
  void carriesTheProtectedDestinationsAndUnitesThem() {
    ProtectedTargets targets =
        new ProtectedTargets(
            List.of(), List.of(), List.of(), List.of("10.0.0.0/16", "192.168.1.7"), List.of());
    ProtectedTargetGuard approved = ProtectedTargetGuard.of(targets);
    ProtectedTargetGuard current =
        new ProtectedTargetGuard(
            List.of(), List.of(), List.of(), List.of("192.168.1.7", "172.16.0.0/12"), List.of());

    assertThat(approved.destinations()).containsExactly("10.0.0.0/16", "192.168.1.7");
    assertThat(approved.union(current).destinations())
        .containsExactly("10.0.0.0/16", "192.168.1.7", "172.16.0.0/12");
  }

  @Test
  void unionWithNoneChangesNothing() {
    ProtectedTargetGuard approved =
        new ProtectedTargetGuard(List.of("i-1"), List.of("payments"), List.of());

    assertThat(approved.union(ProtectedTargetGuard.none())).isEqualTo(approved);
    assertThat(ProtectedTargetGuard.none().union(approved)).isEqualTo(approved);
  }

  @Test
  void carriesThePolicysProcessNamesAndDestinationsAndUnitesThem() {
    ProtectedTargetGuard policy =
        ProtectedTargetGuard.of(
            new io.faultline.events.policy.ProtectedTargets(
                List.of(), List.of(), List.of(), List.of("10.0.0.0/8"), List.of("sshd")));
    ProtectedTargetGuard later =
        new ProtectedTargetGuard(
            List.of(), List.of(), List.of(), List.of(), List.of("postgres", "sshd"));

    assertThat(policy.processNames()).containsExactly("sshd");
    assertThat(policy.destinations()).containsExactly("10.0.0.0/8");
    assertThat(policy.union(later).processNames()).containsExactly("sshd", "postgres");
    assertThat(policy.union(later).destinations()).containsExactly("10.0.0.0/8");
  }
}
