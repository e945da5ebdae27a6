package io.faultline.executor.fault.diskiostress;

import static io.faultline.events.lifecycle.LifecycleStage.COMPLETED;
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
 * A disk IO stress through the whole executor on a real broker against moto: named instances
 * stressed and rolled back, with the document parameters sent.
 */
class DiskIoStressIT extends RunningExecutor {
  @Test
  void stressesNamedInstancesAndRollsThemBack() {
    String account = MotoAccounts.freshAccount();
    List<String> ids = MotoAccounts.runInstances(account, 2, Map.of());
    String faultId = TestFaults.unique("f-io");

    TestFaults.publish(
        TestFaults.approval(
            faultId,
            TestFaults.unique("io"),
            account,
            "ec2-disk-io-stress",
            Map.of(
                "EC2_INSTANCE_ID",
                String.join(",", ids),
                "NUMBER_OF_WORKERS",
                4,
                "IO_MIB_PER_WORKER",
                512,
                "INSTALL_DEPENDENCIES",
                false,
                "PROXY",
                "http://proxy.internal:3128",
                "TOTAL_CHAOS_DURATION",
                1),
            false,
            ProtectedTargetGuard.none(),
            10),
        TestFaults.traceparent());

    FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, WAIT);
    assertThat(end.stage()).isEqualTo(COMPLETED);
    assertThat(end.targets())
        .extracting(TargetOutcome::status)
        .containsOnly(TargetStatus.ROLLED_BACK)
        .hasSize(2);
    var injects =
        commands(account).stream()
            .filter(c -> parameters(c).get("Action").equals(List.of("inject")))
            .toList();
    assertThat(injects).hasSize(1);
    assertThat(instanceIds(injects.getFirst())).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(parameters(injects.getFirst()))
        .containsEntry("Workers", List.of("4"))
        .containsEntry("MibPerWorker", List.of("512"))
        .containsEntry("VolumeMountPath", List.of("/tmp"))
        .containsEntry("InstallDependencies", List.of("false"))
        .containsEntry("Proxy", List.of("http://proxy.internal:3128"));
  }
}
