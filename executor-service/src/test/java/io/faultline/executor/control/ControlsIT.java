package io.faultline.executor.control;

import static io.faultline.events.lifecycle.LifecycleStage.ABORTED;
import static io.faultline.events.lifecycle.LifecycleStage.INJECTED;
import static io.faultline.events.lifecycle.LifecycleStage.ROLLING_BACK;
import static io.faultline.events.lifecycle.LifecycleStage.STARTED;
import static io.faultline.events.lifecycle.LifecycleStage.TARGETS_RESOLVED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.HotSpotDiagnosticMXBean.ThreadDumpFormat;
import io.faultline.events.control.ControlAction;
import io.faultline.events.decision.FaultApproved;
import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.executor.RunningExecutor;
import io.faultline.executor.TestFaults;
import io.faultline.executor.aws.MotoAccounts;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Aborts and halts from the controls topic, through the whole executor on a real broker against
 * moto.
 */
@Tag("waits-in-pairs")
class ControlsIT extends RunningExecutor {
  @Test
  void abortsAFaultDuringItsHoldAndRollsItBack() throws IOException {
    String account = MotoAccounts.freshAccount();
    MotoAccounts.runInstances(account, 1, Map.of("app", "hold"));
    String tenant = TestFaults.unique("abort");
    String faultId = TestFaults.unique("f-abort");
    FaultApproved approval =
        TestFaults.approval(
            faultId,
            tenant,
            account,
            "ec2-process-kill",
            Map.of(
                "PROCESS_IDS",
                "31337",
                "EC2_INSTANCE_TAG",
                "app:hold",
                "TOTAL_CHAOS_DURATION",
                3600),
            false,
            ProtectedTargetGuard.none(),
            10);
    TestFaults.publish(approval, TestFaults.traceparent());
    lifecycle.awaitStage(faultId, INJECTED, WAIT);
    // Parked for its hold without a thread (issue 16, P3): the abort alone wakes it.
    await().atMost(WAIT).until(() -> !threadDump().contains("\"fault-" + faultId + "\""));

    TestFaults.control(ControlAction.ABORT_FAULT, approval.tenantId(), approval.faultId());

    FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, Duration.ofSeconds(20));
    assertThat(end.stage()).isEqualTo(ABORTED);
    assertThat(end.reason()).isEqualTo(FailureReason.ABORTED);
    assertThat(lifecycle.stages(faultId))
        .containsExactly(STARTED, TARGETS_RESOLVED, INJECTED, ROLLING_BACK, ABORTED);
    assertThat(commands(account))
        .extracting(c -> parameters(c).get("Action"))
        .containsExactly(List.of("inject"), List.of("rollback"));
  }

  @Test
  void haltAbortsTheTenantsRunningFaultsAndStartsNoNewOnes() {
    String account = MotoAccounts.freshAccount();
    MotoAccounts.runInstances(account, 1, Map.of("app", "halt"));
    String tenant = TestFaults.unique("halt");
    String running = TestFaults.unique("f-running");
    FaultApproved first =
        TestFaults.approval(
            running,
            tenant,
            account,
            "ec2-process-kill",
            Map.of(
                "PROCESS_IDS",
                "4000",
                "EC2_INSTANCE_TAG",
                "app:halt",
                "TOTAL_CHAOS_DURATION",
                3600),
            false,
            ProtectedTargetGuard.none(),
            10);
    TestFaults.publish(first, TestFaults.traceparent());
    lifecycle.awaitStage(running, INJECTED, WAIT);

    TestFaults.control(ControlAction.HALT_TENANT, first.tenantId(), null);
    FaultLifecycleEvent aborted = lifecycle.awaitTerminal(running, Duration.ofSeconds(20));
    String later = TestFaults.unique("f-later");
    TestFaults.publish(
        TestFaults.approval(
            later,
            tenant,
            account,
            "ec2-process-kill",
            Map.of("PROCESS_IDS", "4001", "EC2_INSTANCE_TAG", "app:halt"),
            false,
            ProtectedTargetGuard.none(),
            10),
        TestFaults.traceparent());

    assertThat(aborted.stage()).isEqualTo(ABORTED);
    assertThat(aborted.reason()).isEqualTo(FailureReason.HALTED);
    FaultLifecycleEvent refused = lifecycle.awaitTerminal(later, WAIT);
    assertThat(lifecycle.stages(later)).containsExactly(ABORTED);
    assertThat(refused.reason()).isEqualTo(FailureReason.HALTED);
    assertThat(refused.sequence()).isEqualTo(2);
    TestFaults.control(ControlAction.RESUME_TENANT, first.tenantId(), null);
  }

  /** Every thread of this JVM, virtual ones included, as {@code jcmd Thread.dump_to_file} gives. */
  private static String threadDump() throws IOException {
    Path file = Files.createTempDirectory("threads").resolve("dump.txt");
    ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
        .dumpThreads(file.toString(), ThreadDumpFormat.TEXT_PLAIN);
    try {
      return Files.readString(file);
    } finally {
      Files.delete(file);
      Files.delete(file.getParent());
    }
  }
}
