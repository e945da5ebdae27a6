package io.faultline.executor.fault.ecsagentstop;

import static io.faultline.events.lifecycle.LifecycleStage.COMPLETED;
import static io.faultline.events.lifecycle.LifecycleStage.INJECTED;
import static io.faultline.events.lifecycle.LifecycleStage.ROLLING_BACK;
import static io.faultline.events.lifecycle.LifecycleStage.STARTED;
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
 * Stopping a cluster's ECS agents through the whole executor on a real broker against moto: every
 * container instance stopped, verified reconnected.
 */
class EcsAgentStopIT extends RunningExecutor {
  @Test
  void stopsTheEcsAgentOnEveryContainerInstanceAndVerifiesItReconnected() {
    String account = MotoAccounts.freshAccount();
    List<String> hosts = MotoAccounts.runInstances(account, 3, Map.of());
    String cluster = TestFaults.unique("orders");
    MotoAccounts.createCluster(account, cluster, hosts);
    String faultId = TestFaults.unique("f-ecs");

    TestFaults.publish(
        TestFaults.approval(
            faultId,
            TestFaults.unique("ecs"),
            account,
            "ecs-agent-stop",
            Map.of("CLUSTER_NAME", cluster, "TOTAL_CHAOS_DURATION", 1),
            false,
            ProtectedTargetGuard.none(),
            10),
        TestFaults.traceparent());

    FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, WAIT);
    assertThat(lifecycle.stages(faultId))
        .containsExactly(STARTED, TARGETS_RESOLVED, INJECTED, ROLLING_BACK, COMPLETED);
    assertThat(end.targets())
        .filteredOn(t -> t.status() == TargetStatus.VERIFIED)
        .extracting(TargetOutcome::targetId)
        .containsExactlyInAnyOrderElementsOf(hosts);
    assertThat(end.targets())
        .filteredOn(t -> t.kind().equals("ecs-cluster"))
        .singleElement()
        .satisfies(t -> assertThat(t.targetId()).isEqualTo(cluster));
    assertThat(commands(account)).hasSize(2);
    assertThat(instanceIds(commands(account).getFirst()))
        .containsExactlyInAnyOrderElementsOf(hosts);
  }
}
