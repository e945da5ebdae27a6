package io.faultline.executor.fault.httpresetpeer;

import static io.faultline.events.lifecycle.LifecycleStage.COMPLETED;
import static io.faultline.events.lifecycle.LifecycleStage.TARGETS_RESOLVED;
import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.TargetOutcome;
import io.faultline.events.lifecycle.TargetStatus;
import io.faultline.executor.RunningExecutor;
import io.faultline.executor.TestFaults;
import io.faultline.executor.aws.MotoAccounts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Resetting HTTP peers through the whole executor on a real broker against moto: named instances,
 * unknown ones skipped, the document parameters sent.
 */
class HttpResetPeerIT extends RunningExecutor {
  @Test
  void resetsHttpPeersOnNamedInstancesSkippingUnknownOnes() {
    String account = MotoAccounts.freshAccount();
    List<String> ids = MotoAccounts.runInstances(account, 2, Map.of());
    String faultId = TestFaults.unique("f-http");

    TestFaults.publish(
        TestFaults.approval(
            faultId,
            TestFaults.unique("http"),
            account,
            "ec2-http-reset-peer",
            Map.of(
                "EC2_INSTANCE_ID",
                String.join(",", ids) + ",i-0000000000000dead",
                "TARGET_SERVICE_PORT",
                8080,
                "NETWORK_INTERFACE",
                "ens5",
                "INSTALL_DEPENDENCIES",
                false,
                "PROXY",
                "https_proxy=http://proxy.internal:3128",
                "TOTAL_CHAOS_DURATION",
                1),
            false,
            ProtectedTargetGuard.none(),
            10),
        TestFaults.traceparent());

    FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, WAIT);
    assertThat(end.stage()).isEqualTo(COMPLETED);
    assertThat(lifecycle.awaitStage(faultId, TARGETS_RESOLVED, WAIT).targets())
        .filteredOn(t -> t.status() == TargetStatus.SKIPPED)
        .extracting(TargetOutcome::targetId)
        .containsExactly("i-0000000000000dead");
    assertThat(parameters(commands(account).getFirst()))
        .containsEntry("TargetPort", List.of("8080"))
        .containsEntry("NetworkInterface", List.of("ens5"))
        .containsEntry("InstallDependencies", List.of("false"))
        .containsEntry("Proxy", List.of("https_proxy=http://proxy.internal:3128"));
    assertThat(instanceIds(commands(account).getFirst())).containsExactlyInAnyOrderElementsOf(ids);
  }
}
