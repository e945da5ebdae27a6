package io.faultline.executor.run;

import static io.faultline.events.lifecycle.LifecycleStage.COMPLETED;
import static io.faultline.events.lifecycle.LifecycleStage.FAILED;
import static io.faultline.events.lifecycle.LifecycleStage.INJECTED;
import static io.faultline.events.lifecycle.LifecycleStage.ROLLING_BACK;
import static io.faultline.events.lifecycle.LifecycleStage.STARTED;
import static io.faultline.events.lifecycle.LifecycleStage.TARGETS_RESOLVED;
import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.TargetOutcome;
import io.faultline.events.lifecycle.TargetStatus;
import io.faultline.events.policy.TagRule;
import io.faultline.executor.RunningExecutor;
import io.faultline.executor.TestFaults;
import io.faultline.executor.aws.MotoAccounts;
import io.faultline.executor.aws.RequestRecorder.SentRequest;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What the runner does for every fault type, through the whole executor on a real broker against
 * moto: commands in batches of fifty, serial runs (one host at a time, bounded by the policy),
 * target percentages, protected targets never touched, dry runs.
 */
@Tag("waits-in-pairs")
class FaultRunnerIT extends RunningExecutor {
  @Test
  void sendsOneCommandPerFiftyInstances() {
    String account = MotoAccounts.freshAccount();
    MotoAccounts.runInstances(account, 120, Map.of("fleet", "big"));
    String faultId = TestFaults.unique("f-batch");

    TestFaults.publish(
        TestFaults.approval(
            faultId,
            TestFaults.unique("batch"),
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
            ProtectedTargetGuard.none(),
            500),
        TestFaults.traceparent());

    // 240 invocations to poll at the default 20 SSM calls/s per account: give it twice WAIT.
    assertThat(lifecycle.awaitTerminal(faultId, WAIT.multipliedBy(2)).stage()).isEqualTo(COMPLETED);
    List<SentRequest> injects =
        commands(account).stream()
            .filter(c -> parameters(c).get("Action").equals(List.of("inject")))
            .toList();
    assertThat(injects).extracting(c -> instanceIds(c).size()).containsExactly(50, 50, 20);
    // Delivery bounded: the 10 min command timeout less the document's 60 s execution timeout.
    assertThat(commands(account))
        .isNotEmpty()
        .allSatisfy(c -> assertThat(c.field("TimeoutSeconds")).isEqualTo(540));
    assertThat(
            injects.stream().map(FaultRunnerIT::instanceIds).flatMap(Collection::stream).distinct())
        .hasSize(120);
    assertThat(lifecycle.awaitStage(faultId, INJECTED, WAIT).ssmCommandIds()).hasSize(3);
  }

  @Test
  void runsSeriallyInjectHoldRollbackOneInstanceAtATimeAfterTheRampTime() {
    String account = MotoAccounts.freshAccount();
    List<String> ids = MotoAccounts.runInstances(account, 3, Map.of("app", "serial"));
    String faultId = TestFaults.unique("f-serial");

    TestFaults.publish(
        TestFaults.approval(
            faultId,
            TestFaults.unique("serial"),
            account,
            "ec2-process-kill",
            serialKill("app:serial", 1),
            false,
            ProtectedTargetGuard.none(),
            10),
        TestFaults.traceparent());

    FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, WAIT);
    assertThat(end.stage()).isEqualTo(COMPLETED);
    assertThat(end.detail()).contains("3 of 3 hosts injected one at a time");
    // One INJECTED and one ROLLING_BACK per fault (ADR 0005), however many hosts.
    assertThat(lifecycle.stages(faultId))
        .containsExactly(STARTED, TARGETS_RESOLVED, INJECTED, ROLLING_BACK, COMPLETED);
    List<SentRequest> sent = commands(account);
    assertThat(sent).hasSize(6).allSatisfy(c -> assertThat(instanceIds(c)).hasSize(1));
    // Each host is rolled back before the next one is injected.
    assertThat(sent.stream().map(c -> parameters(c).get("Action").getFirst()))
        .containsExactly("inject", "rollback", "inject", "rollback", "inject", "rollback");
    for (int i = 0; i < 6; i += 2) {
      assertThat(instanceIds(sent.get(i + 1))).isEqualTo(instanceIds(sent.get(i)));
    }
    assertThat(
            java.util.stream.IntStream.of(0, 2, 4)
                .mapToObj(i -> instanceIds(sent.get(i)).getFirst()))
        .containsExactlyInAnyOrderElementsOf(ids);
    assertThat(end.targets())
        .filteredOn(t -> ids.contains(t.targetId()))
        .extracting(TargetOutcome::status)
        .containsOnly(TargetStatus.ROLLED_BACK);
    var resolvedAt = lifecycle.awaitStage(faultId, TARGETS_RESOLVED, WAIT).occurredAt();
    var injectedAt = lifecycle.awaitStage(faultId, INJECTED, WAIT).occurredAt();
    var rollingBackAt = lifecycle.awaitStage(faultId, ROLLING_BACK, WAIT).occurredAt();
    assertThat(Duration.between(resolvedAt, injectedAt))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    // Every host held for the full duration, one after the other.
    assertThat(Duration.between(injectedAt, rollingBackAt))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void refusesASerialFaultWhoseHostsTimesDurationExceedThePolicyBound() {
    String account = MotoAccounts.freshAccount();
    MotoAccounts.runInstances(account, 3, Map.of("app", "long-serial"));
    String faultId = TestFaults.unique("f-serial-long");

    TestFaults.publish(
        TestFaults.withMaxDuration(
            TestFaults.approval(
                faultId,
                TestFaults.unique("serial-long"),
                account,
                "ec2-process-kill",
                serialKill("app:long-serial", 20),
                false,
                ProtectedTargetGuard.none(),
                10),
            50),
        TestFaults.traceparent());

    FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, WAIT);
    assertThat(end.stage()).isEqualTo(FAILED);
    assertThat(end.reason()).isEqualTo(FailureReason.POLICY_RULE);
    assertThat(end.detail())
        .isEqualTo(
            "SEQUENCE=serial holds 3 hosts x 20 s + 2 x 1 s ramp = 62 s, which exceeds the"
                + " policy's maximum duration of 50 s; nothing injected");
    assertThat(lifecycle.stages(faultId)).containsExactly(STARTED, TARGETS_RESOLVED, FAILED);
    assertThat(commands(account)).isEmpty();
  }

  private static Map<String, Object> serialKill(String tag, int seconds) {
    return Map.of(
        "PROCESS_IDS",
        "1001",
        "EC2_INSTANCE_TAG",
        tag,
        "INSTANCE_AFFECTED_PERC",
        100,
        "SEQUENCE",
        "serial",
        "RAMP_TIME",
        1,
        "TOTAL_CHAOS_DURATION",
        seconds);
  }

  @Test
  void choosesThePercentageOfTaggedInstancesAndOneForZero() {
    String account = MotoAccounts.freshAccount();
    MotoAccounts.runInstances(account, 10, Map.of("tier", "api"));
    String thirty = TestFaults.unique("f-30");
    String zero = TestFaults.unique("f-0");
    String tenant = TestFaults.unique("perc");
    for (var entry : Map.of(thirty, 30, zero, 0).entrySet()) {
      TestFaults.publish(
          TestFaults.approval(
              entry.getKey(),
              tenant,
              account,
              "ec2-process-kill",
              Map.of(
                  "PROCESS_IDS",
                  "77",
                  "EC2_INSTANCE_TAG",
                  "tier:api",
                  "INSTANCE_AFFECTED_PERC",
                  entry.getValue(),
                  "TOTAL_CHAOS_DURATION",
                  1),
              true,
              ProtectedTargetGuard.none(),
              50),
          TestFaults.traceparent());
    }

    assertThat(resolved(lifecycle.awaitStage(thirty, TARGETS_RESOLVED, WAIT))).hasSize(3);
    assertThat(resolved(lifecycle.awaitStage(zero, TARGETS_RESOLVED, WAIT))).hasSize(1);
  }

  private static List<String> resolved(FaultLifecycleEvent event) {
    return event.targets().stream()
        .filter(t -> t.status() == TargetStatus.RESOLVED)
        .map(TargetOutcome::targetId)
        .toList();
  }

  @Test
  void neverSendsACommandToAProtectedInstanceAndReportsTheExclusion() {
    String account = MotoAccounts.freshAccount();
    List<String> plain = MotoAccounts.runInstances(account, 2, Map.of("app", "db"));
    List<String> byTag =
        MotoAccounts.runInstances(account, 1, Map.of("app", "db", "chaos:protected", "true"));
    String byId = plain.getFirst();
    String faultId = TestFaults.unique("f-guard");

    TestFaults.publish(
        TestFaults.approval(
            faultId,
            TestFaults.unique("guard"),
            account,
            "ec2-process-kill",
            Map.of(
                "PROCESS_IDS",
                "99",
                "EC2_INSTANCE_TAG",
                "app:db",
                "INSTANCE_AFFECTED_PERC",
                100,
                "TOTAL_CHAOS_DURATION",
                1),
            false,
            new ProtectedTargetGuard(
                List.of(byId), List.of(), List.of(new TagRule("chaos:protected", List.of("true")))),
            10),
        TestFaults.traceparent());

    FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, WAIT);
    assertThat(end.stage()).isEqualTo(COMPLETED);
    assertThat(lifecycle.awaitStage(faultId, TARGETS_RESOLVED, WAIT).targets())
        .filteredOn(t -> t.status() == TargetStatus.EXCLUDED_PROTECTED)
        .extracting(TargetOutcome::targetId)
        .containsExactlyInAnyOrder(byId, byTag.getFirst());
    assertThat(commands(account))
        .isNotEmpty()
        .allSatisfy(
            c -> assertThat(instanceIds(c)).containsExactly(plain.get(1)).doesNotContain(byId));
  }

  @Test
  void failsWithTargetSelectionWhenEveryTargetIsProtected() {
    String account = MotoAccounts.freshAccount();
    List<String> hosts = MotoAccounts.runInstances(account, 1, Map.of());
    String cluster = TestFaults.unique("payments");
    MotoAccounts.createCluster(account, cluster, hosts);
    String faultId = TestFaults.unique("f-protected-cluster");

    TestFaults.publish(
        TestFaults.approval(
            faultId,
            TestFaults.unique("pcl"),
            account,
            "ecs-agent-stop",
            Map.of("CLUSTER_NAME", cluster),
            false,
            new ProtectedTargetGuard(List.of(), List.of(cluster), List.of()),
            10),
        TestFaults.traceparent());

    FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, WAIT);
    assertThat(end.stage()).isEqualTo(FAILED);
    assertThat(end.reason()).isEqualTo(FailureReason.TARGET_SELECTION);
    assertThat(end.targets())
        .singleElement()
        .satisfies(t -> assertThat(t.status()).isEqualTo(TargetStatus.EXCLUDED_PROTECTED));
    assertThat(commands(account)).isEmpty();
  }

  @Test
  void dryRunReportsTargetsAndInjectsNothing() {
    String account = MotoAccounts.freshAccount();
    List<String> ids = MotoAccounts.runInstances(account, 2, Map.of("app", "dry"));
    String faultId = TestFaults.unique("f-dry");

    TestFaults.publish(
        TestFaults.approval(
            faultId,
            TestFaults.unique("dry"),
            account,
            "ec2-http-reset-peer",
            Map.of("EC2_INSTANCE_TAG", "app:dry", "INSTANCE_AFFECTED_PERC", 100),
            true,
            ProtectedTargetGuard.none(),
            10),
        TestFaults.traceparent());

    FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, WAIT);
    assertThat(lifecycle.stages(faultId)).containsExactly(STARTED, TARGETS_RESOLVED, COMPLETED);
    assertThat(end.dryRun()).isTrue();
    assertThat(resolved(lifecycle.awaitStage(faultId, TARGETS_RESOLVED, WAIT)))
        .containsExactlyInAnyOrderElementsOf(ids);
    assertThat(commands(account)).isEmpty();
    assertThat(recorder.sent("CreateDocument", account)).isEmpty();
  }
}
