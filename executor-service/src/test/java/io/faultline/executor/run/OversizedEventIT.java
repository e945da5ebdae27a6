package io.faultline.executor.run;

import static io.faultline.events.lifecycle.LifecycleStage.COMPLETED;
import static io.faultline.events.lifecycle.LifecycleStage.FAILED;
import static io.faultline.events.lifecycle.LifecycleStage.INJECTED;
import static io.faultline.events.lifecycle.LifecycleStage.ROLLING_BACK;
import static io.faultline.events.lifecycle.LifecycleStage.STARTED;
import static io.faultline.events.lifecycle.LifecycleStage.TARGETS_RESOLVED;
import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.LifecycleTap;
import io.faultline.events.decision.FaultApproved;
import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.TargetOutcome;
import io.faultline.events.lifecycle.TargetStatus;
import io.faultline.events.policy.TagRule;
import io.faultline.executor.TestFaults;
import io.faultline.executor.control.Controls;
import io.faultline.executor.fault.AccountSession;
import io.faultline.executor.fault.FaultRegistry;
import io.faultline.executor.fault.document.SsmDocument;
import io.faultline.executor.lifecycle.FaultLedger;
import io.faultline.testsupport.TestKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ledger's record limit through the runner, on a real broker (ADR 0009): an event still over
 * the limit (a sample as large as the list, with long protected-tag details) fails its own fault
 * with the reason and the counts, while another fault sharing the ledger completes.
 */
class OversizedEventIT {
  private static final Duration WAIT = Duration.ofMinutes(1);
  // AWS's longest tag key and value: the protected-target detail names both.
  private static final String LONG_KEY = "k".repeat(128);
  private static final String LONG_VALUE = "v".repeat(256);

  private static LifecycleTap lifecycle;

  @BeforeAll
  static void topics() {
    TestFaults.createTopics();
    lifecycle = new LifecycleTap();
  }

  @AfterAll
  static void close() {
    lifecycle.close();
  }

  /**
   * A session at this module's own port (moto takes minutes to list thousands of instances with
   * long tags): {@code size} instances tagged with AWS's longest protected tag, {@code plain}
   * without; every command succeeds at once.
   */
  private record Fleet(int protectable, int plain) implements AccountSession {
    @Override
    public List<Instance> instances(List<String> ids) {
      return ids.stream().map(id -> new Instance(id, "running", Map.of())).toList();
    }

    @Override
    public List<Instance> runningInstancesWithTag(String key, String value) {
      List<Instance> fleet = new ArrayList<>();
      for (int i = 0; i < protectable + plain; i++) {
        fleet.add(
            new Instance(
                "i-%017x".formatted(i),
                "running",
                i < protectable ? Map.of(key, value, LONG_KEY, LONG_VALUE) : Map.of(key, value)));
      }
      return fleet;
    }

    @Override
    public Optional<List<ClusterMember>> clusterMembers(String cluster) {
      return Optional.empty();
    }

    @Override
    public Set<String> ssmOnline(List<String> instanceIds) {
      return Set.copyOf(instanceIds);
    }

    @Override
    public Map<String, Boolean> agentConnected(String cluster) {
      return Map.of();
    }

    @Override
    public DocumentVersion ensureDocument(SsmDocument document) {
      return new DocumentVersion(document.name(), "1");
    }

    @Override
    public String send(
        DocumentVersion document,
        List<String> instanceIds,
        Map<String, String> parameters,
        String comment,
        Duration deliveryTimeout) {
      return UUID.randomUUID().toString();
    }

    @Override
    public Invocation invocation(String commandId, String instanceId) {
      return new Invocation(Invocation.Status.SUCCESS, "");
    }

    @Override
    public void cancel(String commandId, List<String> instanceIds) {}
  }

  @Test
  void anEventOverTheRecordLimitFailsOnlyItsOwnFault() {
    String tenant = TestFaults.unique("over");
    String oversized = TestFaults.unique("f-over");
    String other = TestFaults.unique("f-other");
    String wideAccount = "123456789012";
    String otherAccount = "210987654321";
    Map<String, AccountSession> sessions =
        Map.of(wideAccount, new Fleet(2_500, 3), otherAccount, new Fleet(0, 1));
    ProtectedTargetGuard longTags =
        new ProtectedTargetGuard(List.of(), List.of(), List.of(new TagRule(LONG_KEY, List.of())));

    // A sample as large as the whole list: 2,500 protected targets, each detail naming the
    // 128-character key and 256-character value (~500 bytes each), make TARGETS_RESOLVED ~1.25 MB.
    try (FaultLedger ledger =
        new FaultLedger(TestKafka.bootstrapServers(), TestFaults.unique("bounds-tx"))) {
      FaultRunner runner =
          new FaultRunner(
              FaultRegistry.discover(),
              request -> sessions.get(request.accountId().value()),
              ledger,
              new Controls(),
              RunSettings.defaults()
                  .withPolling(Duration.ofMillis(50), Duration.ofMillis(100))
                  .withMaxEventTargets(RunSettings.MAX_EVENT_TARGETS_LIMIT),
              "bounds-2");
      runner.start(approval(oversized, tenant, wideAccount, longTags, 1), 0, 0, null);
      runner.start(
          approval(other, tenant, otherAccount, ProtectedTargetGuard.none(), 1), 0, 1, null);

      assertThat(lifecycle.awaitTerminal(other, WAIT).stage()).isEqualTo(COMPLETED);
      FaultLifecycleEvent failed = lifecycle.awaitTerminal(oversized, WAIT);
      assertThat(failed.stage()).isEqualTo(FAILED);
      assertThat(failed.reason()).as(failed.detail()).isEqualTo(FailureReason.INTERNAL);
      assertThat(failed.detail())
          .contains("the lifecycle event of fault " + tenant + "/" + oversized + " is ")
          .contains("bytes, over the 1048576-byte record limit; it was not written");
      assertThat(failed.targets()).isEmpty();
      assertThat(failed.targetSummary().total()).isEqualTo(2_503);
      assertThat(failed.targetSummary().count(TargetStatus.EXCLUDED_PROTECTED)).isEqualTo(2_500);
      assertThat(failed.targetSummary().count(TargetStatus.RESOLVED)).isEqualTo(1);
      assertThat(failed.targetSummary().count(TargetStatus.SKIPPED)).isEqualTo(2);
    }
    assertThat(lifecycle.stages(oversized)).containsExactly(STARTED, FAILED);
    assertThat(lifecycle.events(other))
        .extracting(e -> e.data().stage())
        .containsExactly(STARTED, TARGETS_RESOLVED, INJECTED, ROLLING_BACK, COMPLETED);
    assertThat(lifecycle.events(other).getLast().data().targets())
        .extracting(TargetOutcome::status)
        .containsExactly(TargetStatus.ROLLED_BACK);
  }

  private static FaultApproved approval(
      String faultId, String tenant, String account, ProtectedTargetGuard guard, int maxTargets) {
    return TestFaults.approval(
        faultId,
        tenant,
        account,
        "ec2-process-kill",
        Map.of(
            "PROCESS_IDS",
            "4242",
            "EC2_INSTANCE_TAG",
            "fleet:big",
            "INSTANCE_AFFECTED_PERC",
            100,
            "TOTAL_CHAOS_DURATION",
            1),
        false,
        guard,
        maxTargets);
  }
}
