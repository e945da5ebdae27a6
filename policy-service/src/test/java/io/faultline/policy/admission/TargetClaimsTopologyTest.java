package io.faultline.policy.admission;

import static io.faultline.policy.PolicyExamples.httpResetByTag;
import static io.faultline.policy.PolicyExamples.policy;
import static io.faultline.policy.PolicyExamples.processKill;
import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.claims.TargetsClaimed;
import io.faultline.events.claims.TargetsGranted;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.AwsRegion;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.TenantId;
import io.faultline.events.lifecycle.LifecycleStage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Target claims through both topologies: claim in, grant out, held with the lease. */
class TargetClaimsTopologyTest {
  static final String T = "acme";
  static final String A = "111111111111";
  static final String I1 = "i-0000000000000001a";
  static final String I2 = "i-0000000000000002a";
  static final String I3 = "i-0000000000000003a";

  final AdmissionDriver driver =
      new AdmissionDriver(new AdmissionSettings(10, Duration.ofMinutes(5), Duration.ofSeconds(1)));

  @AfterEach
  void close() {
    driver.close();
  }

  @Test
  void twoTagSelectedFaultsOfOneAccountAreBothApproved() {
    driver.policy(policy(T, A));

    driver.request(httpResetByTag(T, "f-a", A, "team:checkout", 10));
    driver.request(httpResetByTag(T, "f-b", A, "team:search", 10));

    assertThat(driver.lifecycle())
        .extracting(e -> e.stage())
        .containsExactly(LifecycleStage.APPROVED, LifecycleStage.APPROVED);
  }

  @Test
  void overlappingClaimsNeverShareAnInstanceAndAreReleasedWithTheLease() {
    driver.policy(policy(T, A));
    driver.request(httpResetByTag(T, "f-a", A, "team:checkout", 10));
    driver.request(httpResetByTag(T, "f-b", A, "tier:web", 10));

    driver.claim(claim("f-a", "c-a", I1, I2));
    driver.claim(claim("f-b", "c-b", I2, I3));

    List<TargetsGranted> grants = driver.grants();
    assertThat(grants).extracting(TargetsGranted::claimId).containsExactly("c-a", "c-b");
    assertThat(grants.get(0).granted()).containsExactly(I1, I2);
    assertThat(grants.get(1).granted()).containsExactly(I3);
    assertThat(grants.get(1).busy()).containsExactly(I2);

    // A held instance stops an instance-id fault at its decision, as a decided lease does.
    driver.request(processKill(T, "f-ids", A, I2));
    assertThat(driver.lifecycle())
        .filteredOn(e -> e.faultId().value().equals("f-ids"))
        .singleElement()
        .satisfies(e -> assertThat(e.stage()).isEqualTo(LifecycleStage.REJECTED));

    driver.executor(T, "f-a", LifecycleStage.COMPLETED, 6);
    driver.request(httpResetByTag(T, "f-c", A, "team:checkout", 10));
    driver.claim(claim("f-c", "c-c", I1, I2));

    assertThat(driver.grants())
        .singleElement()
        .satisfies(g -> assertThat(g.granted()).containsExactly(I1, I2));
  }

  @Test
  void aClaimOfAFaultWithoutALeaseIsRefused() {
    driver.policy(policy(T, A));

    driver.claim(claim("f-unknown", "c-1", I1));

    assertThat(driver.grants())
        .singleElement()
        .satisfies(
            g -> {
              assertThat(g.granted()).isEmpty();
              assertThat(g.refusal()).contains("holds no lease");
            });
  }

  static TargetsClaimed claim(String fault, String claimId, String... instances) {
    return new TargetsClaimed(
        TenantId.of(T),
        FaultId.of(fault),
        AccountId.of(A),
        AwsRegion.of("eu-west-1"),
        claimId,
        "executor-1",
        List.of(instances),
        java.time.Instant.parse("2026-11-18T10:00:00Z"));
  }
}
