package io.faultline.executor;

import static io.faultline.events.lifecycle.LifecycleStage.FAILED;
import static io.faultline.events.lifecycle.LifecycleStage.INJECTED;
import static io.faultline.events.lifecycle.LifecycleStage.ROLLING_BACK;
import static io.faultline.events.lifecycle.LifecycleStage.STARTED;
import static io.faultline.events.lifecycle.LifecycleStage.TARGETS_RESOLVED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.faultline.events.LifecycleTap;
import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.ids.FaultKey;
import io.faultline.events.lifecycle.FailureReason;
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
import org.junit.jupiter.api.Test;

/**
 * Two executors in one consumer group on a real broker; the one running a fault is a separate JVM
 * killed with {@code destroyForcibly} during the hold. The survivor must take over its partitions,
 * roll the fault back and publish its single terminal event within 30 seconds.
 */
class CrashRecoveryIT {
  private Process child;
  private Executor survivor;
  private AwsAccountConnector connector;
  private LifecycleTap lifecycle;

  @AfterEach
  void cleanUp() {
    if (child != null) {
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
  void rollsBackWhenTheExecutorRunningTheFaultIsKilledDuringTheHold() throws Exception {
    MotoAccounts.init();
    TestFaults.createTopics();
    String group = TestFaults.unique("crash-group");
    Path childLog = Files.createTempFile("child-executor-", ".log");
    String java = ProcessHandle.current().info().command().orElse("java");
    child =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                ChildExecutor.class.getName(),
                TestKafka.bootstrapServers(),
                group,
                "child-a",
                MotoServer.shared().endpoint().toString())
            .redirectErrorStream(true)
            .redirectOutput(childLog.toFile())
            .start();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> Files.readString(childLog).contains("EXECUTOR READY"));

    RequestRecorder recorder = new RequestRecorder();
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
                    .withPolling(Duration.ofMillis(100), Duration.ofMillis(500))),
            connector,
            FaultRegistry.discover());
    lifecycle = new LifecycleTap();
    Set<Integer> childPartitions = awaitTwoMembersAndGetPartitionsOf(group, "child-a");

    String account = MotoAccounts.freshAccount();
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
                3600),
            false,
            ProtectedTargetGuard.none(),
            10),
        TestFaults.traceparent());
    lifecycle.awaitStage(faultId, INJECTED, Duration.ofSeconds(60));
    assertThat(lifecycle.awaitStage(faultId, STARTED, Duration.ofSeconds(1)).detail())
        .contains("child-a");

    child.destroyForcibly().waitFor();
    Instant killed = Instant.now();

    FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, Duration.ofSeconds(30));
    assertThat(Duration.between(killed, Instant.now())).isLessThan(Duration.ofSeconds(30));
    assertThat(end.stage()).isEqualTo(FAILED);
    assertThat(end.reason()).isEqualTo(FailureReason.EXECUTOR_LOST);
    assertThat(end.detail()).contains("rolled back by survivor");
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(4))
        .until(
            () ->
                lifecycle.stages(faultId).stream().filter(LifecycleStage::isTerminal).count() == 1);
    assertThat(lifecycle.events(faultId))
        .extracting(e -> e.data().stage())
        .containsExactly(STARTED, TARGETS_RESOLVED, INJECTED, ROLLING_BACK, FAILED);
    assertThat(lifecycle.events(faultId))
        .extracting(e -> e.data().sequence())
        .containsExactly(2L, 3L, 4L, 5L, 6L);
    var rollback = recorder.sent("SendCommand", account);
    assertThat(rollback).hasSize(1);
    @SuppressWarnings("unchecked")
    Map<String, List<String>> parameters =
        (Map<String, List<String>>) rollback.getFirst().field("Parameters");
    assertThat(parameters).containsEntry("Action", List.of("rollback"));
    @SuppressWarnings("unchecked")
    List<Object> rolledBack = (List<Object>) rollback.getFirst().field("InstanceIds");
    assertThat(rolledBack).containsExactlyInAnyOrderElementsOf(List.<Object>copyOf(hosts));
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
                    .filter(m -> m.clientId().equals("faultline-executor-" + executorId))
                    .flatMap(m -> m.assignment().topicPartitions().stream())
                    .map(TopicPartition::partition)
                    .collect(Collectors.toSet());
              },
              partitions -> !partitions.isEmpty());
    }
  }

  /** A fault id whose approval lands on one of {@code partitions} (Kafka's default partitioner). */
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
