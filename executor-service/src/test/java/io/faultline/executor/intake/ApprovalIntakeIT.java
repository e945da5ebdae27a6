package io.faultline.executor.intake;

import static io.faultline.events.lifecycle.LifecycleStage.ABORTED;
import static io.faultline.events.lifecycle.LifecycleStage.COMPLETED;
import static io.faultline.events.lifecycle.LifecycleStage.FAILED;
import static io.faultline.events.lifecycle.LifecycleStage.INJECTED;
import static io.faultline.events.lifecycle.LifecycleStage.ROLLING_BACK;
import static io.faultline.events.lifecycle.LifecycleStage.STARTED;
import static io.faultline.events.lifecycle.LifecycleStage.TARGETS_RESOLVED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.decision.FaultApproved;
import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.executor.RunningExecutor;
import io.faultline.executor.TestFaults;
import io.faultline.executor.aws.MotoAccounts;
import io.faultline.testsupport.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What intake makes of approvals, through the whole executor on a real broker against moto: hostile
 * parameters refused before any command, a redelivered approval run once, two tenants' faults with
 * the same id run side by side.
 */
@Tag("waits-in-pairs")
class ApprovalIntakeIT extends RunningExecutor {
  @Test
  void endsAnApprovalReadAfterItsStartDeadlineWithoutActing() {
    String account = MotoAccounts.freshAccount();
    MotoAccounts.runInstances(account, 1, Map.of("app", "late"));
    String faultId = TestFaults.unique("f-late");
    Instant deadline = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.MILLIS);
    // Its lease may already be released and the instance given to another fault.
    TestFaults.publish(
        TestFaults.withStartDeadline(
            TestFaults.approval(
                faultId,
                TestFaults.unique("late"),
                account,
                "ec2-process-kill",
                Map.of("PROCESS_IDS", "4100", "EC2_INSTANCE_TAG", "app:late"),
                false,
                ProtectedTargetGuard.none(),
                10),
            deadline),
        TestFaults.traceparent());

    FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, WAIT);
    assertThat(lifecycle.stages(faultId)).containsExactly(ABORTED);
    assertThat(end.reason()).isEqualTo(FailureReason.APPROVAL_EXPIRED);
    assertThat(end.sequence()).isEqualTo(2);
    assertThat(end.detail()).contains("start deadline " + deadline).contains("read at ");
    // No AssumeRole into the account, no call in it at all, so no SSM command.
    assertThat(recorder.sent("AssumeRole"))
        .noneMatch(r -> MotoAccounts.roleArn(account).equals(r.field("RoleArn")));
    assertThat(recorder.sent().stream().filter(r -> account.equals(r.account()))).isEmpty();
    assertThat(commands(account)).isEmpty();
  }

  @Test
  void refusesHostileParametersBeforeAnyCommandOrShell() {
    String account = MotoAccounts.freshAccount();
    MotoAccounts.runInstances(account, 1, Map.of("app", "victim"));
    String faultId = TestFaults.unique("f-hostile");
    ProducerRecord<String, byte[]> valid =
        TestFaults.record(
            TestFaults.approval(
                faultId,
                TestFaults.unique("hostile"),
                account,
                "ec2-process-kill",
                Map.of("PROCESS_IDS", "1234", "EC2_INSTANCE_TAG", "app:victim"),
                false,
                ProtectedTargetGuard.none(),
                10),
            TestFaults.traceparent());
    String json = new String(valid.value(), StandardCharsets.UTF_8);
    String hostile =
        json.replace(
            "\"PROCESS_IDS\":\"1234\"", "\"PROCESS_IDS\":\"1234; touch /tmp/pwned-$(id -u)\"");
    assertThat(hostile).isNotEqualTo(json);
    TestFaults.send(
        new ProducerRecord<>(
            valid.topic(),
            null,
            valid.key(),
            hostile.getBytes(StandardCharsets.UTF_8),
            valid.headers()));

    FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, WAIT);
    assertThat(end.stage()).isEqualTo(FAILED);
    assertThat(end.reason()).isEqualTo(FailureReason.INVALID_REQUEST);
    assertThat(end.detail()).contains("PROCESS_IDS");
    assertThat(lifecycle.stages(faultId)).containsExactly(FAILED);
    assertThat(recorder.sent().stream().filter(r -> account.equals(r.account()))).isEmpty();
  }

  @Test
  void commitsTheOffsetOfEveryApprovalItRanAfterABurst() {
    String account = MotoAccounts.freshAccount();
    MotoAccounts.runInstances(account, 1, Map.of("app", "burst"));
    String tenant = TestFaults.unique("burst");
    Map<TopicPartition, Long> last = new HashMap<>();
    List<String> faults = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String faultId = TestFaults.unique("f-burst");
      faults.add(faultId);
      RecordMetadata at =
          TestFaults.send(
              TestFaults.record(
                  TestFaults.approval(
                      faultId,
                      tenant,
                      account,
                      "ec2-process-kill",
                      Map.of("PROCESS_IDS", "557", "EC2_INSTANCE_TAG", "app:burst"),
                      true,
                      ProtectedTargetGuard.none(),
                      10),
                  TestFaults.traceparent()));
      last.merge(new TopicPartition(at.topic(), at.partition()), at.offset(), Math::max);
    }
    faults.forEach(f -> assertThat(lifecycle.awaitTerminal(f, WAIT).stage()).isEqualTo(COMPLETED));

    // Commits are spaced while reading (ApprovalOffsets.COMMIT_INTERVAL): the last ones still go
    // out once the burst is over, past every approval of it.
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()))) {
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
                last.forEach(
                    (partition, offset) -> {
                      assertThat(committed.get(partition))
                          .as("committed offset of %s", partition)
                          .isNotNull();
                      assertThat(committed.get(partition).offset())
                          .as("committed offset of %s", partition)
                          .isGreaterThan(offset);
                    });
              });
    }
  }

  @Test
  void runsARedeliveredApprovalOnlyOnce() {
    String account = MotoAccounts.freshAccount();
    MotoAccounts.runInstances(account, 1, Map.of("app", "twice"));
    String faultId = TestFaults.unique("f-twice");
    FaultApproved approval =
        TestFaults.approval(
            faultId,
            TestFaults.unique("twice"),
            account,
            "ec2-process-kill",
            Map.of(
                "PROCESS_IDS", "555", "EC2_INSTANCE_TAG", "app:twice", "TOTAL_CHAOS_DURATION", 1),
            false,
            ProtectedTargetGuard.none(),
            10);
    String traceparent = TestFaults.traceparent();
    TestFaults.publish(approval, traceparent);
    lifecycle.awaitTerminal(faultId, WAIT);

    TestFaults.publish(approval, traceparent);
    String marker = TestFaults.unique("f-marker");
    TestFaults.publish(
        TestFaults.approval(
            marker,
            approval.tenantId().value(),
            account,
            "ec2-process-kill",
            Map.of("PROCESS_IDS", "556", "EC2_INSTANCE_TAG", "app:twice"),
            true,
            ProtectedTargetGuard.none(),
            10),
        traceparent);
    lifecycle.awaitTerminal(marker, WAIT);

    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(() -> lifecycle.stages(faultId).size() == 5);
    assertThat(lifecycle.stages(faultId))
        .containsExactly(STARTED, TARGETS_RESOLVED, INJECTED, ROLLING_BACK, COMPLETED);
  }

  @Test
  void runsTwoTenantsFaultsWithTheSameIdSideBySide() {
    String sharedId = TestFaults.unique("f-same-id");
    List<String> tenants = List.of(TestFaults.unique("first"), TestFaults.unique("second"));
    for (String tenant : tenants) {
      String account = MotoAccounts.freshAccount();
      MotoAccounts.runInstances(account, 1, Map.of("app", "same"));
      TestFaults.publish(
          TestFaults.approval(
              sharedId,
              tenant,
              account,
              "ec2-process-kill",
              Map.of(
                  "PROCESS_IDS", "777", "EC2_INSTANCE_TAG", "app:same", "TOTAL_CHAOS_DURATION", 1),
              false,
              ProtectedTargetGuard.none(),
              10),
          TestFaults.traceparent());
    }

    // A fault is (tenant, fault id): each tenant's fault runs and ends once, neither is taken for
    // a duplicate of the other.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              for (String tenant : tenants) {
                assertThat(lifecycle.events(sharedId))
                    .filteredOn(e -> e.data().tenantId().value().equals(tenant))
                    .extracting(e -> e.data().stage())
                    .containsExactly(STARTED, TARGETS_RESOLVED, INJECTED, ROLLING_BACK, COMPLETED);
              }
            });
    assertThat(lifecycle.events(sharedId)).extracting(FaultlineEvent::id).doesNotHaveDuplicates();
  }
}
