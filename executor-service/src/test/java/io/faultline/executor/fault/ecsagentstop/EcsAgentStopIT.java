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

  @Test
  void selectsContainerInstancesByTheirInstancesTagZoneAndPercent() {
    String account = MotoAccounts.freshAccount();
    List<String> chosenFrom =
        MotoAccounts.runInstances(account, 4, Map.of("team", "orders"), "eu-west-1b");
    List<String> otherZone =
        MotoAccounts.runInstances(account, 2, Map.of("team", "orders"), "eu-west-1a");
    List<String> otherTeam =
        MotoAccounts.runInstances(account, 2, Map.of("team", "billing"), "eu-west-1b");
    String cluster = TestFaults.unique("mixed");
    List<String> all = new java.util.ArrayList<>(chosenFrom);
    all.addAll(otherZone);
    all.addAll(otherTeam);
    MotoAccounts.createCluster(account, cluster, all);
    String faultId = TestFaults.unique("f-ecs-sel");

    TestFaults.publish(
        TestFaults.approval(
            faultId,
            TestFaults.unique("ecs-sel"),
            account,
            "ecs-agent-stop",
            Map.of(
                "CLUSTER_NAME",
                cluster,
                "CONTAINER_INSTANCE_TAG",
                "team:orders",
                "AVAILABILITY_ZONE",
                "eu-west-1b",
                "INSTANCE_AFFECTED_PERC",
                50,
                "TOTAL_CHAOS_DURATION",
                1),
            false,
            ProtectedTargetGuard.none(),
            10),
        TestFaults.traceparent());

    FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, WAIT);
    assertThat(end.stage()).isEqualTo(COMPLETED);
    assertThat(lifecycle.awaitStage(faultId, TARGETS_RESOLVED, WAIT).detail())
        .startsWith(
            "4 of 8 container instances of "
                + cluster
                + " tagged team=orders in eu-west-1b eligible; chose 2 (50%) at random; warning:"
                + " TOTAL_CHAOS_DURATION 1 s is below the advised 30-60 s");
    List<String> injected = instanceIds(commands(account).getFirst());
    assertThat(injected).hasSize(2);
    assertThat(chosenFrom).containsAll(injected);
    assertThat(end.targets())
        .filteredOn(t -> t.status() == TargetStatus.VERIFIED)
        .extracting(TargetOutcome::targetId)
        .containsExactlyInAnyOrderElementsOf(injected);
  }
}
