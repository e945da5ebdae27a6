package io.faultline.executor.ownership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.faultline.events.LifecycleTap;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.executor.Executor;
import io.faultline.executor.TestFaults;
import io.faultline.executor.aws.AwsAccountConnector;
import io.faultline.executor.aws.AwsSettings;
import io.faultline.executor.aws.MotoAccounts;
import io.faultline.executor.fault.FaultRegistry;
import io.faultline.executor.lifecycle.FaultLedger;
import io.faultline.executor.observability.Observability;
import io.faultline.executor.run.RunSettings;
import io.faultline.testsupport.MotoServer;
import io.faultline.testsupport.TestKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Running faults belong to the executor running them, not to an approvals partition (ADR 0007 §5),
 * on a real broker against moto: executors join and leave the group while faults hold, and every
 * fault still completes as planned, with one terminal event and no sequence number twice.
 */
@Tag("waits-in-pairs")
class OwnershipIT {
  private static final Duration HOLD = Duration.ofSeconds(25);
  private static final Duration WAIT = Duration.ofSeconds(120);

  private final List<Executor> executors = new ArrayList<>();
  private AwsAccountConnector connector;
  private LifecycleTap lifecycle;
  private String group;

  @BeforeEach
  void setUp() {
    MotoAccounts.init();
    TestFaults.createTopics();
    connector =
        new AwsAccountConnector(
            AwsSettings.defaults()
                .withEndpoint(MotoServer.shared().endpoint())
                .withRetries(2, Duration.ofMillis(20), Duration.ofMillis(100)),
            null);
    lifecycle = new LifecycleTap();
    group = TestFaults.unique("ownership");
  }

  @AfterEach
  void tearDown() {
    executors.forEach(Executor::close);
    lifecycle.close();
    connector.close();
  }

  private Executor start(String id) {
    return start(id, Observability.none());
  }

  private Executor start(String id, Observability observability) {
    Executor executor =
        Executor.start(
            new Executor.Config(
                    TestKafka.bootstrapServers(),
                    group,
                    id,
                    Duration.ofSeconds(6),
                    1_000,
                    RunSettings.defaults()
                        .withPrecheck(RunSettings.Precheck.SKIP)
                        .withPolling(Duration.ofMillis(100), Duration.ofMillis(500)))
                .withOwnership(Duration.ofSeconds(1), Duration.ofSeconds(6)),
            connector,
            FaultRegistry.discover(),
            observability);
    executors.add(executor);
    return executor;
  }

  private void stop(Executor executor) {
    executors.remove(executor);
    executor.close();
  }

  /** Six faults of one tenant, each on its own instance, holding for {@link #HOLD}. */
  private List<String> sixFaults(String tenant) {
    String account = MotoAccounts.freshAccount();
    List<String> hosts = MotoAccounts.runInstances(account, 6, Map.of("app", "own"));
    List<String> faults = new ArrayList<>();
    for (String host : hosts) {
      String faultId = TestFaults.unique("f-own");
      faults.add(faultId);
      TestFaults.publish(
          TestFaults.approval(
              faultId,
              tenant,
              account,
              "ec2-process-kill",
              Map.of(
                  "PROCESS_IDS",
                  "2024",
                  "EC2_INSTANCE_ID",
                  host,
                  "TOTAL_CHAOS_DURATION",
                  (int) HOLD.toSeconds()),
              false,
              ProtectedTargetGuard.none(),
              1),
          TestFaults.traceparent());
    }
    faults.forEach(f -> lifecycle.awaitStage(f, LifecycleStage.INJECTED, WAIT));
    return faults;
  }

  /** Each fault completed once, its sequence numbers strictly rising, none used twice. */
  private void assertEachCompletedOnce(List<String> faults) {
    lifecycle.awaitAllEnded(faults, WAIT);
    // No second terminal event arrives later (a stale owner's), for any of them.
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                faults.stream()
                    .allMatch(
                        fault ->
                            lifecycle.stages(fault).stream()
                                    .filter(LifecycleStage::isTerminal)
                                    .count()
                                == 1));
    for (String fault : faults) {
      FaultLifecycleEvent end = lifecycle.awaitTerminal(fault, WAIT);
      assertThat(end.stage()).as(fault + ": " + end.detail()).isEqualTo(LifecycleStage.COMPLETED);
      List<Long> sequences =
          lifecycle.events(fault).stream()
              .map(FaultlineEvent::data)
              .map(FaultLifecycleEvent::sequence)
              .toList();
      assertThat(sequences).as(fault).doesNotHaveDuplicates().isSorted();
    }
  }

  @Test
  void anExecutorJoiningWhileFaultsHoldTakesNoneOfThemAndEveryFaultCompletes() {
    Executor first = start("join-a");
    List<String> faults = sixFaults(TestFaults.unique("join"));
    assertThat(first.inFlight()).isEqualTo(6);

    Executor second = start("join-b");
    // Half the approvals partitions move to the newcomer; the faults stay where they run.
    await()
        .during(Duration.ofSeconds(8))
        .atMost(Duration.ofSeconds(12))
        .until(() -> second.inFlight() == 0);

    assertEachCompletedOnce(faults);
    for (String fault : faults) {
      assertThat(lifecycle.awaitTerminal(fault, WAIT).detail()).doesNotContain("stopped driving");
    }
  }

  @Test
  void rollingRestartOfBothExecutorsWhileFaultsHoldCompletesEveryFault() {
    Executor a = start("roll-a");
    Executor b = start("roll-b");
    List<String> faults = sixFaults(TestFaults.unique("roll"));

    // One after the other, as a rolling deploy does: each hands its faults over at SIGTERM.
    stop(a);
    Executor a2 = start("roll-a");
    await().atMost(WAIT).until(() -> b.inFlight() + a2.inFlight() == 6);
    stop(b);
    Executor b2 = start("roll-b");
    await().atMost(WAIT).until(() -> a2.inFlight() + b2.inFlight() == 6);

    assertEachCompletedOnce(faults);
    assertThat(faults)
        .allSatisfy(
            fault ->
                assertThat(lifecycle.awaitTerminal(fault, WAIT).detail())
                    .satisfiesAnyOf(
                        d -> assertThat(d).contains("handed over by executor roll-"),
                        d -> assertThat(d).contains("rolled back 1 targets")));
  }

  @Test
  void aFencedLedgerStopsIntakeTurnsReadinessDownAndItsFaultsAreContinuedElsewhere() {
    Observability watched = new Observability(OpenTelemetry.noop(), new SimpleMeterRegistry());
    Executor fenced = start("fence-a", watched);
    Executor healthy = start("fence-b");
    List<String> faults = sixFaults(TestFaults.unique("fence"));
    await().atMost(WAIT).until(() -> fenced.inFlight() > 0);
    int onFenced = fenced.inFlight();

    // Another producer with its transactional id (a copy of its deployment, say) fences it.
    try (FaultLedger usurper =
        new FaultLedger(TestKafka.bootstrapServers(), "faultline-executor-" + fenced.id())) {
      // Its faults find out at their next write (the end of the hold), release themselves, and
      // the healthy executor, now owning every approvals partition, continues them.
      await().atMost(WAIT).until(() -> !watched.readers().allRunning() && fenced.inFlight() == 0);
      assertThat(watched.readers().states().get(Executor.LEDGER)).startsWith("ledger failed");
      assertEachCompletedOnce(faults);
      assertThat(faults)
          .filteredOn(f -> lifecycle.awaitTerminal(f, WAIT).detail().contains("stopped driving"))
          .hasSize(onFenced);

      // Intake stopped: a new approval is run by the healthy executor.
      String later = TestFaults.unique("f-after-fence");
      String account = MotoAccounts.freshAccount();
      String host = MotoAccounts.runInstances(account, 1, Map.of()).getFirst();
      TestFaults.publish(
          TestFaults.approval(
              later,
              TestFaults.unique("fence"),
              account,
              "ec2-process-kill",
              Map.of("PROCESS_IDS", "2024", "EC2_INSTANCE_ID", host, "TOTAL_CHAOS_DURATION", 1),
              false,
              ProtectedTargetGuard.none(),
              1),
          TestFaults.traceparent());
      assertThat(lifecycle.awaitStage(later, LifecycleStage.STARTED, WAIT).detail())
          .contains(healthy.id());
      assertThat(usurper.failed()).isFalse();
    }
  }
}
