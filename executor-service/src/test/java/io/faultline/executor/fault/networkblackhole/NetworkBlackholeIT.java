package io.faultline.executor.fault.networkblackhole;

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
 * A network blackhole through the whole executor on a real broker against moto: the approval's
 * protected destinations reach the document with the tunables, inject then rollback.
 */
class NetworkBlackholeIT extends RunningExecutor {
  @Test
  void sendsTheDestinationsAndTheApprovalsProtectedDestinationsToTheDocument() {
    String account = MotoAccounts.freshAccount();
    String tenant = TestFaults.unique("bh");
    List<String> db = MotoAccounts.runInstances(account, 1, Map.of("app", "orders"));
    String faultId = TestFaults.unique("f-bh");

    TestFaults.publish(
        TestFaults.approval(
            faultId,
            tenant,
            account,
            "ec2-network-blackhole",
            Map.of(
                "EC2_INSTANCE_TAG", "app:orders",
                "DESTINATION_IPS", "10.0.3.7,172.16.0.0/12",
                "DESTINATION_HOSTS", "orders-db.internal",
                "DESTINATION_PORTS", "5432",
                "PROTOCOL", "tcp",
                "TOTAL_CHAOS_DURATION", 1),
            false,
            new ProtectedTargetGuard(
                List.of(), List.of(), List.of(), List.of("10.20.0.0/16", "192.168.7.9"), List.of()),
            10),
        TestFaults.traceparent());

    FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, WAIT);
    assertThat(end.stage()).as(end.detail()).isEqualTo(COMPLETED);
    assertThat(lifecycle.events(faultId))
        .extracting(e -> e.data().stage())
        .containsExactly(STARTED, TARGETS_RESOLVED, INJECTED, ROLLING_BACK, COMPLETED);
    List<SentRequest> sent = commands(account);
    assertThat(sent).hasSize(2);
    assertThat((String) sent.get(0).field("DocumentName"))
        .startsWith("Faultline-ec2-network-blackhole");
    assertThat(parameters(sent.get(0)))
        .containsEntry("Action", List.of("inject"))
        .containsEntry("DestinationIps", List.of("10.0.3.7,172.16.0.0/12"))
        .containsEntry("DestinationHosts", List.of("orders-db.internal"))
        .containsEntry("DestinationPorts", List.of("5432"))
        .containsEntry("Protocol", List.of("tcp"))
        .containsEntry("ProtectedDestinations", List.of("10.20.0.0/16,192.168.7.9"))
        .containsEntry("FaultId", List.of(faultId));
    assertThat(instanceIds(sent.get(0))).containsExactlyElementsOf(db);
    assertThat(parameters(sent.get(1))).containsEntry("Action", List.of("rollback"));
  }
}
