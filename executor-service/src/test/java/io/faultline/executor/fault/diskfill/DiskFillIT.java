package io.faultline.executor.fault.diskfill;

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
 * A disk fill through the whole executor on a real broker against moto: every stage, each tagged
 * target rolled back, and the document parameters sent for inject and rollback.
 */
class DiskFillIT extends RunningExecutor {
  @Test
  void fillsTaggedInstancesDisksAndRollsThemBack() {
    String account = MotoAccounts.freshAccount();
    List<String> web = MotoAccounts.runInstances(account, 2, Map.of("app", "web"));
    String faultId = TestFaults.unique("f-fill");

    TestFaults.publish(
        TestFaults.approval(
            faultId,
            TestFaults.unique("fill"),
            account,
            "ec2-disk-fill",
            Map.of(
                "EC2_INSTANCE_TAG",
                "app:web",
                "INSTANCE_AFFECTED_PERC",
                100,
                "VOLUME_MOUNT_PATH",
                "/var/lib/app",
                "FILESYSTEM_UTILIZATION_PERCENTAGE",
                90,
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
    assertThat(end.targets())
        .extracting(TargetOutcome::targetId, TargetOutcome::status)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(web.get(0), TargetStatus.ROLLED_BACK),
            org.assertj.core.groups.Tuple.tuple(web.get(1), TargetStatus.ROLLED_BACK));
    var sent = commands(account);
    assertThat(sent).hasSize(2);
    assertThat(parameters(sent.get(0)))
        .containsEntry("Action", List.of("inject"))
        .containsEntry("VolumeMountPath", List.of("/var/lib/app"))
        .containsEntry("UtilizationPercent", List.of("90"))
        .containsEntry("InstallDependencies", List.of("true"))
        .containsEntry("DurationSeconds", List.of("1"))
        .containsEntry("FaultId", List.of(faultId));
    assertThat(parameters(sent.get(1)))
        .containsEntry("Action", List.of("rollback"))
        .containsEntry("VolumeMountPath", List.of("/var/lib/app"));
    assertThat(instanceIds(sent.get(0))).containsExactlyInAnyOrderElementsOf(web);
  }
}
