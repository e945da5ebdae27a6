package io.faultline.executor;

import static io.faultline.events.lifecycle.LifecycleStage.COMPLETED;
import static io.faultline.events.lifecycle.LifecycleStage.INJECTED;
import static io.faultline.events.lifecycle.LifecycleStage.ROLLING_BACK;
import static io.faultline.events.lifecycle.LifecycleStage.STARTED;
import static io.faultline.events.lifecycle.LifecycleStage.TARGETS_RESOLVED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.faultline.events.LifecycleTap;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.ids.FaultKey;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.topics.Topics;
import io.faultline.executor.aws.AwsAccountConnector;
import io.faultline.executor.aws.AwsSettings;
import io.faultline.executor.aws.MotoAccounts;
import io.faultline.executor.aws.RequestRecorder;
import io.faultline.executor.fault.FaultRegistry;
import io.faultline.executor.run.RunSettings;
import io.faultline.testsupport.MotoServer;
import io.faultline.testsupport.TestKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two executors in one consumer group on a real broker; the one running a fault is a separate JVM,
 * killed ({@code destroyForcibly}) or paused ({@code SIGSTOP}) during the hold. The survivor takes
 * the fault over once no heartbeat names it, holds it to its planned end and completes it; a paused
 * executor that wakes up afterwards neither writes nor sends anything for it (ADR 0007 §5).
 */
@Tag("waits-in-pairs")
class CrashRecoveryIT {
  private static final int HOLD_SECONDS = 20;

  private Process child;
  private Path childLog;
  private Executor survivor;
  private AwsAccountConnector connector;
  private RequestRecorder recorder;
  private LifecycleTap lifecycle;

  @AfterEach
  void cleanUp() throws Exception {
    if (child != null) {
      new ProcessBuilder("kill", "-CONT", Long.toString(child.pid())).start().waitFor();
      child.destroyForcibly();
    }
    if (lifecycle != null) {
      lifecycle.close();
    }
    if (survivor != null) {
      survivor.close();
    }
    if (connector != null) {
      connector.close();
    }
  }

  @Test
  void continuesTheFaultToItsPlannedEndWhenTheExecutorRunningItIsKilledDuringTheHold()
      throws Exception {
    String account = MotoAccounts.freshAccount();
    String faultId = faultRunningOnAChild(account, "child-a");
    Instant planned = plannedEnd(faultId);

    child.destroyForcibly().waitFor();

    FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, Duration.ofSeconds(90));
    assertTakenOverAndCompleted(faultId, end, planned);
    assertThat(recorder.sent("SendCommand", account))
        .singleElement()
        .satisfies(
            rollback -> {
              @SuppressWarnings("unchecked")
              Map<String, List<String>> parameters =
                  (Map<String, List<String>>) rollback.field("Parameters");
              assertThat(parameters).containsEntry("Action", List.of("rollback"));
            });
  }

  @Test
  void anExecutorPausedPastItsDeadlineNeitherWritesNorSendsAnythingForTheFaultWhenItWakes()
      throws Exception {
    String account = MotoAccounts.freshAccount();
    String faultId = faultRunningOnAChild(account, "child-p");
    Instant planned = plannedEnd(faultId);
    assertThat(MotoAccounts.commands(account)).singleElement().asString().startsWith("inject");

    signal("-STOP");
    // The survivor claims it (epoch 1) once the child's heartbeats stopped for the grace.
    await().atMost(Duration.ofSeconds(60)).until(() -> survivor.inFlight() == 1);
    signal("-CONT");

    FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, Duration.ofSeconds(90));
    assertTakenOverAndCompleted(faultId, end, planned);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> Files.readString(childLog).contains("heartbeat deadline passed"));
    // Moto holds every command whoever sent it: the child's inject, the survivor's rollback.
    assertThat(MotoAccounts.commands(account))
        .hasSize(2)
        .filteredOn(c -> c.startsWith("rollback"))
        .hasSize(1);
    assertThat(recorder.sent("SendCommand", account)).hasSize(1);
  }

  private void signal(String signal) throws Exception {
    assertThat(new ProcessBuilder("kill", signal, Long.toString(child.pid())).start().waitFor())
        .isZero();
  }

  /** A child executor and a survivor in one group; a fault on the child's partitions, injected. */
  private String faultRunningOnAChild(String account, String childId) throws Exception {
    MotoAccounts.init();
    TestFaults.createTopics();
    String group = TestFaults.unique("crash-group");
    childLog = Files.createTempFile("child-executor-", ".log");
    String java = ProcessHandle.current().info().command().orElse("java");
    child =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                ChildExecutor.class.getName(),
                TestKafka.bootstrapServers(),
                group,
                childId,
                MotoServer.shared().endpoint().toString())
            .redirectErrorStream(true)
            .redirectOutput(childLog.toFile())
            .start();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> Files.readString(childLog).contains("EXECUTOR READY"));

    recorder = new RequestRecorder();
    connector =
        new AwsAccountConnector(
            AwsSettings.defaults()
                .withEndpoint(MotoServer.shared().endpoint())
                .withRetries(2, Duration.ofMillis(20), Duration.ofMillis(100)),
            recorder);
    survivor =
        Executor.start(
            new Executor.Config(
                    TestKafka.bootstrapServers(),
                    group,
                    "survivor",
                    Duration.ofSeconds(6),
                    1_000,
                    RunSettings.defaults()
                        .withPrecheck(RunSettings.Precheck.SKIP)
                        .withPolling(Duration.ofMillis(100), Duration.ofMillis(500)))
                .withOwnership(ChildExecutor.HEARTBEAT, ChildExecutor.GRACE),
            connector,
            FaultRegistry.discover());
    lifecycle = new LifecycleTap();
    Set<Integer> childPartitions = awaitTwoMembersAndGetPartitionsOf(group, childId);

    List<String> hosts = MotoAccounts.runInstances(account, 2, Map.of("app", "crash"));
    String tenant = TestFaults.unique("crash");
    String faultId = faultIdOnOneOf(tenant, childPartitions);
    TestFaults.publish(
        TestFaults.approval(
            faultId,
            tenant,
            account,
            "ec2-process-kill",
            Map.of(
                "PROCESS_IDS",
                "2024",
                "EC2_INSTANCE_TAG",
                "app:crash",
                "INSTANCE_AFFECTED_PERC",
                100,
                "TOTAL_CHAOS_DURATION",
                HOLD_SECONDS),
            false,
            ProtectedTargetGuard.none(),
            10),
        TestFaults.traceparent());
    lifecycle.awaitStage(faultId, INJECTED, Duration.ofSeconds(60));
    assertThat(lifecycle.awaitStage(faultId, STARTED, Duration.ofSeconds(1)).detail())
        .contains(childId);
    assertThat(hosts).hasSize(2);
    return faultId;
  }

  private Instant plannedEnd(String faultId) {
    return lifecycle
        .awaitStage(faultId, INJECTED, Duration.ofSeconds(1))
        .occurredAt()
        .plusSeconds(HOLD_SECONDS);
  }

  /** Completed by the survivor after the full hold: one terminal event, sequences 2 to 6. */
  private void assertTakenOverAndCompleted(
      String faultId, FaultLifecycleEvent end, Instant planned) {
    assertThat(end.stage()).as(end.detail()).isEqualTo(COMPLETED);
    assertThat(end.detail())
        .contains("stopped driving it; rolled back by survivor-")
        .contains("after the full hold");
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(6))
        .until(
            () ->
                lifecycle.stages(faultId).stream().filter(LifecycleStage::isTerminal).count() == 1);
    assertThat(lifecycle.events(faultId))
        .extracting(e -> e.data().stage())
        .containsExactly(STARTED, TARGETS_RESOLVED, INJECTED, ROLLING_BACK, COMPLETED);
    assertThat(lifecycle.events(faultId))
        .extracting(FaultlineEvent::data)
        .extracting(FaultLifecycleEvent::sequence)
        .containsExactly(2L, 3L, 4L, 5L, 6L);
    assertThat(lifecycle.awaitStage(faultId, ROLLING_BACK, Duration.ofSeconds(1)).occurredAt())
        .isAfterOrEqualTo(planned.minusMillis(100));
  }

  private static Set<Integer> awaitTwoMembersAndGetPartitionsOf(String group, String executorId) {
    try (Admin admin = TestKafka.admin()) {
      return await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                ConsumerGroupDescription description =
                    admin.describeConsumerGroups(List.of(group)).all().get().get(group);
                List<MemberDescription> members = List.copyOf(description.members());
                boolean settled =
                    members.size() == 2
                        && members.stream()
                            .allMatch(m -> !m.assignment().topicPartitions().isEmpty())
                        && members.stream()
                                .mapToInt(m -> m.assignment().topicPartitions().size())
                                .sum()
                            == Topics.FAULT_APPROVALS.partitions();
                if (!settled) {
                  return Set.<Integer>of();
                }
                return members.stream()
                    .filter(m -> m.clientId().startsWith("faultline-executor-" + executorId + "-"))
                    .flatMap(m -> m.assignment().topicPartitions().stream())
                    .map(TopicPartition::partition)
                    .collect(Collectors.toSet());
              },
              partitions -> !partitions.isEmpty());
    }
  }

  /**
   * A fault id of the tenant whose approval (keyed by fault key) lands on one of the partitions.
   */
  private static String faultIdOnOneOf(String tenant, Set<Integer> partitions) {
    while (true) {
      String candidate = TestFaults.unique("f-crash");
      byte[] key = FaultKey.of(tenant, candidate).value().getBytes(StandardCharsets.UTF_8);
      int partition = Utils.toPositive(Utils.murmur2(key)) % Topics.FAULT_APPROVALS.partitions();
      if (partitions.contains(partition)) {
        return candidate;
      }
    }
  }
}
