package io.faultline.executor.fault;

import static io.faultline.events.lifecycle.LifecycleStage.COMPLETED;
import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.TargetOutcome;
import io.faultline.events.lifecycle.TargetStatus;
import io.faultline.executor.RunningExecutor;
import io.faultline.executor.TestFaults;
import io.faultline.executor.aws.MotoAccounts;
import io.faultline.executor.aws.RequestRecorder.SentRequest;
import java.util.List;
import java.util.Map;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/**
 * CPU and memory stress through the whole executor on a real broker against moto, side by side (one
 * executor start for both, to keep CI short): targets, outcomes, the document parameters of inject
 * and rollback. Their host-side behaviour is {@code CpuStressDocumentIT} and {@code
 * MemoryStressDocumentIT}.
 */
class StressFaultsIT extends RunningExecutor {
  @Test
  void runsCpuAndMemoryStressOnTheirTargetsAndRollsEachBack() {
    String cpuAccount = MotoAccounts.freshAccount();
    List<String> tagged = MotoAccounts.runInstances(cpuAccount, 2, Map.of("app", "cpu"));
    String memoryAccount = MotoAccounts.freshAccount();
    List<String> named = MotoAccounts.runInstances(memoryAccount, 1, Map.of());
    String cpuFault = TestFaults.unique("f-cpu");
    String memoryFault = TestFaults.unique("f-mem");

    publish(
        cpuFault,
        cpuAccount,
        "ec2-cpu-stress",
        Map.of(
            "EC2_INSTANCE_TAG", "app:cpu",
            "INSTANCE_AFFECTED_PERC", 100,
            "CPU_LOAD", 80,
            "CPU_CORES", 2,
            "INSTALL_DEPENDENCIES", false,
            "TOTAL_CHAOS_DURATION", 1));
    publish(
        memoryFault,
        memoryAccount,
        "ec2-memory-stress",
        Map.of(
            "EC2_INSTANCE_ID", named.getFirst(),
            "MEMORY_PERCENTAGE", 35,
            "NUMBER_OF_WORKERS", 3,
            "PROXY", "http://proxy.internal:3128",
            "TOTAL_CHAOS_DURATION", 1));

    assertRolledBack(cpuFault, tagged);
    List<SentRequest> cpu = commands(cpuAccount);
    assertThat(cpu).hasSize(2);
    assertThat(parameters(cpu.getFirst()))
        .containsEntry("Action", List.of("inject"))
        .containsEntry("CpuLoad", List.of("80"))
        .containsEntry("CpuCores", List.of("2"))
        .containsEntry("DurationSeconds", List.of("1"))
        .containsEntry("InstallDependencies", List.of("false"))
        .containsEntry("Proxy", List.of(""));
    assertThat(parameters(cpu.get(1))).containsEntry("Action", List.of("rollback"));
    assertThat(instanceIds(cpu.getFirst())).containsExactlyInAnyOrderElementsOf(tagged);

    assertRolledBack(memoryFault, named);
    List<SentRequest> memory = commands(memoryAccount);
    assertThat(memory).hasSize(2);
    assertThat(parameters(memory.getFirst()))
        .containsEntry("Action", List.of("inject"))
        .containsEntry("MemoryPercentage", List.of("35"))
        .containsEntry("Workers", List.of("3"))
        .containsEntry("InstallDependencies", List.of("true"))
        .containsEntry("Proxy", List.of("http://proxy.internal:3128"));
    assertThat(parameters(memory.get(1))).containsEntry("Action", List.of("rollback"));
    assertThat(instanceIds(memory.getFirst())).containsExactlyElementsOf(named);
  }

  private static void publish(
      String faultId, String account, String type, Map<String, Object> tunables) {
    TestFaults.publish(
        TestFaults.approval(
            faultId,
            TestFaults.unique("stress"),
            account,
            type,
            tunables,
            false,
            ProtectedTargetGuard.none(),
            10),
        TestFaults.traceparent());
  }

  private static void assertRolledBack(String faultId, List<String> instances) {
    FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, WAIT);
    assertThat(end.stage()).as(end.detail()).isEqualTo(COMPLETED);
    assertThat(end.targets())
        .extracting(TargetOutcome::targetId, TargetOutcome::status)
        .containsExactlyInAnyOrderElementsOf(
            instances.stream().map(id -> Tuple.tuple(id, TargetStatus.ROLLED_BACK)).toList());
  }
}
