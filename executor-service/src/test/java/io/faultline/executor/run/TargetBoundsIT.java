package io.faultline.executor.run;

import static io.faultline.events.lifecycle.LifecycleStage.COMPLETED;
import static io.faultline.events.lifecycle.LifecycleStage.TARGETS_RESOLVED;
import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.LifecycleTap;
import io.faultline.events.decision.FaultApproved;
import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.TargetStatus;
import io.faultline.events.lifecycle.TargetSummary;
import io.faultline.events.topics.Topics;
import io.faultline.executor.Executor;
import io.faultline.executor.RawRecords;
import io.faultline.executor.TestFaults;
import io.faultline.executor.aws.AwsAccountConnector;
import io.faultline.executor.aws.AwsSettings;
import io.faultline.executor.aws.MotoAccounts;
import io.faultline.executor.aws.RequestRecorder;
import io.faultline.executor.fault.FaultRegistry;
import io.faultline.executor.lifecycle.FaultLedger;
import io.faultline.testsupport.MotoServer;
import io.faultline.testsupport.TestKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Target lists of thousands on a real broker against moto (ADR 0009): a tag that selects 2,000
 * instances gives events that list at most the sample and count every target, each record far below
 * the limit (see {@link OversizedEventIT} for one that would not be).
 */
@Tag("waits-in-pairs")
class TargetBoundsIT {
  private static final Duration WAIT = Duration.ofMinutes(3);
  private static final int FLEET = 2_000;

  private static String account;
  private static RequestRecorder recorder;
  private static AwsAccountConnector connector;
  private static LifecycleTap lifecycle;

  @BeforeAll
  static void fleet() {
    MotoAccounts.init();
    TestFaults.createTopics();
    account = MotoAccounts.freshAccount();
    // In batches: moto takes seconds per hundred instances, and one call must stay within the
    // SDK's read timeout.
    for (int made = 0; made < FLEET; made += 250) {
      MotoAccounts.runInstances(account, 250, Map.of("fleet", "big"));
    }
    recorder = new RequestRecorder();
    AwsSettings moto =
        AwsSettings.defaults()
            .withEndpoint(MotoServer.shared().endpoint())
            .withRetries(2, Duration.ofMillis(20), Duration.ofMillis(100));
    // A page of 1,000 instances takes moto many seconds on a busy machine.
    connector =
        new AwsAccountConnector(
            new AwsSettings(
                moto.endpoint(),
                moto.sessionDuration(),
                moto.refreshBefore(),
                Duration.ofMinutes(2),
                moto.maxAttempts(),
                moto.initialBackoff(),
                moto.maxBackoff(),
                moto.breakerFailureRate(),
                moto.breakerWindow(),
                moto.breakerOpenFor(),
                moto.ssmCallsPerSecond(),
                moto.tenantConcurrentCalls(),
                moto.maxConnections()),
            recorder);
    lifecycle = new LifecycleTap();
  }

  @AfterAll
  static void close() {
    lifecycle.close();
    connector.close();
  }

  private static Executor executor(String id, RunSettings run) {
    return Executor.start(
        new Executor.Config(
            TestKafka.bootstrapServers(),
            TestFaults.unique("bounds"),
            id,
            Duration.ofSeconds(6),
            1_000,
            run.withPrecheck(RunSettings.Precheck.SKIP)
                .withPolling(Duration.ofMillis(100), Duration.ofMillis(500))),
        connector,
        FaultRegistry.discover());
  }

  private static void publish(
      String faultId, String tenant, String account, ProtectedTargetGuard guard, int maxTargets) {
    TestFaults.publish(
        approvalIn(faultId, tenant, account, guard, maxTargets), TestFaults.traceparent());
  }

  private static FaultApproved approvalIn(
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

  @Test
  void eventsListAtMostTheSampleAndCountEveryTarget() {
    String tenant = TestFaults.unique("wide");
    String faultId = TestFaults.unique("f-wide");
    try (Executor ignored = executor("bounds-1", RunSettings.defaults())) {
      publish(faultId, tenant, account, ProtectedTargetGuard.none(), 2);
      assertThat(lifecycle.awaitTerminal(faultId, WAIT).stage()).isEqualTo(COMPLETED);
    }

    FaultLifecycleEvent resolved = lifecycle.awaitStage(faultId, TARGETS_RESOLVED, WAIT);
    assertThat(resolved.targets()).hasSize(100);
    assertThat(resolved.targets()).filteredOn(t -> t.status() == TargetStatus.RESOLVED).hasSize(2);
    TargetSummary counted = resolved.targetSummary();
    assertThat(counted.total()).isEqualTo(FLEET);
    assertThat(counted.byStatus())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(TargetStatus.RESOLVED, 2, TargetStatus.SKIPPED, FLEET - 2));
    assertThat(counted.omitted()).isEqualTo(FLEET - 100);
    assertThat(counted.truncated()).isTrue();

    FaultLifecycleEvent completed = lifecycle.awaitTerminal(faultId, WAIT);
    assertThat(completed.targets()).hasSize(100);
    assertThat(completed.targetSummary().count(TargetStatus.ROLLED_BACK)).isEqualTo(2);
    assertThat(completed.targetSummary().count(TargetStatus.SKIPPED)).isEqualTo(FLEET - 2);
    assertThat(completed.targetSummary().ssmCommands())
        .isEqualTo(completed.ssmCommandIds().size())
        .isEqualTo(2);

    List<ConsumerRecord<String, byte[]>> events =
        RawRecords.read(Topics.FAULT_LIFECYCLE.name(), tenant::equals);
    assertThat(events).hasSize(lifecycle.events(faultId).size());
    // 2,000 targets listed in full would be ~190 KB per event; the sample keeps them near 10 KB.
    assertThat(events).allSatisfy(r -> assertThat(r.value().length).isLessThan(20_000));
    assertThat(RawRecords.read(Topics.EXECUTION_JOURNAL.name(), (tenant + "/" + faultId)::equals))
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.value().length).isLessThan(FaultLedger.MAX_RECORD_BYTES));
  }
}
