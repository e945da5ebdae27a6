package io.faultline.executor.fault.netem;

import static io.faultline.events.lifecycle.LifecycleStage.COMPLETED;
import static io.faultline.events.lifecycle.LifecycleStage.INJECTED;
import static io.faultline.events.lifecycle.LifecycleStage.ROLLING_BACK;
import static io.faultline.events.lifecycle.LifecycleStage.STARTED;
import static io.faultline.events.lifecycle.LifecycleStage.TARGETS_RESOLVED;
import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.executor.RunningExecutor;
import io.faultline.executor.TestFaults;
import io.faultline.executor.aws.MotoAccounts;
import io.faultline.executor.aws.RequestRecorder.SentRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The netem faults through the whole executor on a real broker against moto (one executor for both,
 * to keep CI short): every stage, and the scope and amounts each document receives.
 */
class NetemFaultsIT extends RunningExecutor {
  @Test
  void delaysTrafficToDependenciesOnTaggedInstancesAndRollsBack() {
    String account = MotoAccounts.freshAccount();
    List<String> ids = MotoAccounts.runInstances(account, 2, Map.of("app", "orders"));
    String faultId = TestFaults.unique("f-lat");

    TestFaults.publish(
        TestFaults.approval(
            faultId,
            TestFaults.unique("lat"),
            account,
            "ec2-network-latency",
            Map.of(
                "EC2_INSTANCE_TAG",
                "app:orders",
                "INSTANCE_AFFECTED_PERC",
                100,
                "NETWORK_INTERFACE",
                "ens5",
                "DESTINATION_IPS",
                "10.20.0.0/16,10.30.1.5",
                "DESTINATION_PORTS",
                "5432",
                "NETWORK_LATENCY",
                1500,
                "JITTER",
                100,
                "TOTAL_CHAOS_DURATION",
                1),
            false,
            ProtectedTargetGuard.none(),
            10),
        TestFaults.traceparent());

    FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, WAIT);
    assertThat(end.stage()).isEqualTo(COMPLETED);
    assertThat(lifecycle.events(faultId))
        .extracting(e -> e.data().stage())
        .containsExactly(STARTED, TARGETS_RESOLVED, INJECTED, ROLLING_BACK, COMPLETED);
    List<SentRequest> sent = commands(account);
    assertThat(sent).hasSize(2);
    assertThat(parameters(sent.get(0)))
        .containsEntry("Action", List.of("inject"))
        .containsEntry("NetworkInterface", List.of("ens5"))
        .containsEntry("DestinationIps", List.of("10.20.0.0/16,10.30.1.5"))
        .containsEntry("DestinationPorts", List.of("5432"))
        .containsEntry("LatencyMs", List.of("1500"))
        .containsEntry("JitterMs", List.of("100"))
        .containsEntry("DurationSeconds", List.of("1"))
        .containsEntry("FaultId", List.of(faultId));
    assertThat(parameters(sent.get(1))).containsEntry("Action", List.of("rollback"));
    assertThat((String) sent.get(0).field("DocumentName"))
        .isEqualTo("Faultline-ec2-network-latency");
    assertThat(instanceIds(sent.get(0))).containsExactlyInAnyOrderElementsOf(ids);
  }

  @Test
  void dropsPacketsOnTheWholeDefaultInterfaceOfANamedInstanceAndRollsBack() {
    String account = MotoAccounts.freshAccount();
    List<String> ids = MotoAccounts.runInstances(account, 1, Map.of());
    String faultId = TestFaults.unique("f-loss");

    TestFaults.publish(
        TestFaults.approval(
            faultId,
            TestFaults.unique("loss"),
            account,
            "ec2-network-packet-loss",
            Map.of(
                "EC2_INSTANCE_ID",
                ids.getFirst(),
                "NETWORK_PACKET_LOSS_PERCENTAGE",
                40,
                "TOTAL_CHAOS_DURATION",
                1),
            false,
            ProtectedTargetGuard.none(),
            10),
        TestFaults.traceparent());

    FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, WAIT);
    assertThat(end.stage()).isEqualTo(COMPLETED);
    assertThat(lifecycle.events(faultId))
        .extracting(e -> e.data().stage())
        .containsExactly(STARTED, TARGETS_RESOLVED, INJECTED, ROLLING_BACK, COMPLETED);
    List<SentRequest> sent = commands(account);
    assertThat(sent).hasSize(2);
    assertThat(parameters(sent.get(0)))
        .containsEntry("Action", List.of("inject"))
        .containsEntry("NetworkInterface", List.of("eth0"))
        .containsEntry("LossPercent", List.of("40"))
        .containsEntry("InstallDependencies", List.of("true"))
        .containsEntry("FaultId", List.of(faultId));
    // Empty scope: the whole interface (SSM receives the empty strings, or the defaults).
    assertThat(parameters(sent.get(0)).getOrDefault("DestinationIps", List.of("")))
        .containsExactly("");
    assertThat(parameters(sent.get(0)).getOrDefault("DestinationPorts", List.of("")))
        .containsExactly("");
    assertThat(parameters(sent.get(1))).containsEntry("Action", List.of("rollback"));
    assertThat((String) sent.get(0).field("DocumentName"))
        .isEqualTo("Faultline-ec2-network-packet-loss");
    assertThat(instanceIds(sent.get(0))).containsExactly(ids.getFirst());
  }
}
