package io.faultline.executor;

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
import io.faultline.events.control.ControlAction;
import io.faultline.events.decision.FaultApproved;
import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.TargetOutcome;
import io.faultline.events.lifecycle.TargetStatus;
import io.faultline.events.policy.TagRule;
import io.faultline.executor.aws.AwsAccountConnector;
import io.faultline.executor.aws.AwsSettings;
import io.faultline.executor.aws.MotoAccounts;
import io.faultline.executor.aws.RequestRecorder;
import io.faultline.executor.aws.RequestRecorder.SentRequest;
import io.faultline.executor.fault.FaultRegistry;
import io.faultline.executor.run.RunSettings;
import io.faultline.testsupport.MotoServer;
import io.faultline.testsupport.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole executor on a real broker against moto: approvals in, lifecycle events out, commands
 * asserted on what was sent (moto echoes every instance of a region in SendCommand responses).
 */
class ExecutorIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static RequestRecorder recorder;
  private static AwsAccountConnector connector;
  private static Executor executor;
  private static LifecycleTap lifecycle;

  @BeforeAll
  static void start() {
    MotoAccounts.init();
    TestFaults.createTopics();
    recorder = new RequestRecorder();
    connector =
        new AwsAccountConnector(
            AwsSettings.defaults()
                .withEndpoint(MotoServer.shared().endpoint())
                .withRetries(2, Duration.ofMillis(20), Duration.ofMillis(100)),
            recorder);
    executor =
        Executor.start(
            new Executor.Config(
                TestKafka.bootstrapServers(),
                TestFaults.unique("executors"),
                "it-1",
                Duration.ofSeconds(6),
                1_000,
                RunSettings.defaults()
                    .withPrecheck(RunSettings.Precheck.SKIP)
                    .withPolling(Duration.ofMillis(100), Duration.ofMillis(500))),
            connector,
            FaultRegistry.discover());
    lifecycle = new LifecycleTap();
  }

  @AfterAll
  static void stop() {
    lifecycle.close();
    executor.close();
    connector.close();
  }

  private static List<SentRequest> commands(String account) {
    return recorder.sent("SendCommand", account);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, List<String>> parameters(SentRequest command) {
    return (Map<String, List<String>>) command.field("Parameters");
  }

  @SuppressWarnings("unchecked")
  private static List<String> instanceIds(SentRequest command) {
    return (List<String>) command.field("InstanceIds");
  }

  @Test
  void runsProcessKillThroughEveryStageWithOneTerminalEvent() {
    String account = MotoAccounts.freshAccount();
    String tenant = TestFaults.unique("pk");
    List<String> web = MotoAccounts.runInstances(account, 2, Map.of("app", "web"));
    String faultId = TestFaults.unique("f-pk");
    String traceparent = TestFaults.traceparent();

    TestFaults.publish(
        TestFaults.approval(
            faultId,
            tenant,
            account,
            "ec2-process-kill",
            Map.of(
                "PROCESS_IDS",
                "1234,1235",
                "EC2_INSTANCE_TAG",
                "app:web",
                "INSTANCE_AFFECTED_PERC",
                100,
                "FORCE",
                true,
                "TOTAL_CHAOS_DURATION",
                1),
            false,
            ProtectedTargetGuard.none(),
            10),
        traceparent);

    FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, WAIT);
    assertThat(end.stage()).isEqualTo(COMPLETED);
    List<FaultlineEvent<FaultLifecycleEvent>> events = lifecycle.events(faultId);
    assertThat(events)
        .extracting(e -> e.data().stage())
        .containsExactly(STARTED, TARGETS_RESOLVED, INJECTED, ROLLING_BACK, COMPLETED);
    assertThat(events).extracting(e -> e.data().sequence()).containsExactly(2L, 3L, 4L, 5L, 6L);
    assertThat(events)
        .allSatisfy(
            e -> {
              assertThat(e.traceparent()).isEqualTo(traceparent);
              assertThat(e.source()).hasToString("/faultline/executor-service");
              assertThat(e.data().traceId()).isEqualTo(traceparent.substring(3, 35));
              assertThat(e.data().producer()).isEqualTo("executor-service");
              // The approval's external id is a secret: never on the lifecycle topic.
              assertThat(
                      new String(
                          io.faultline.events.cloudevents.EventCodec.standard().toJson(e.data()),
                          StandardCharsets.UTF_8))
                  .doesNotContain("ext-" + tenant + "-7f3c")
                  .doesNotContain("AccessKeyId");
            });
    assertThat(end.targets())
        .extracting(TargetOutcome::targetId, TargetOutcome::status)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(web.get(0), TargetStatus.ROLLED_BACK),
            org.assertj.core.groups.Tuple.tuple(web.get(1), TargetStatus.ROLLED_BACK));

    List<SentRequest> sent = commands(account);
    assertThat(sent).hasSize(2);
    assertThat(parameters(sent.get(0)))
        .containsEntry("Action", List.of("inject"))
        .containsEntry("Signal", List.of("KILL"))
        .containsEntry("ProcessIds", List.of("1234,1235"))
        .containsEntry("FaultId", List.of(faultId));
    assertThat(parameters(sent.get(1))).containsEntry("Action", List.of("rollback"));
    assertThat((String) sent.get(0).field("Comment")).contains(traceparent.substring(3, 35));
    assertThat(instanceIds(sent.get(0))).containsExactlyInAnyOrderElementsOf(web);
    assertThat(lifecycle.awaitStage(faultId, INJECTED, WAIT).ssmCommandIds()).hasSize(1);
  }

  @Test
  void stopsTheEcsAgentOnEveryContainerInstanceAndVerifiesItReconnected() {
    String account = MotoAccounts.freshAccount();
    List<String> hosts = MotoAccounts.runInstances(account, 3, Map.of());
    String cluster = TestFaults.unique("orders");
    MotoAccounts.createCluster(account, cluster, hosts);
    String faultId = TestFaults.unique("f-ecs");

    TestFaults.publish(
        TestFaults.approval(
            faultId,
            TestFaults.unique("ecs"),
            account,
            "ecs-agent-stop",
            Map.of("CLUSTER_NAME", cluster, "TOTAL_CHAOS_DURATION", 1),
            false,
            ProtectedTargetGuard.none(),
            10),
        TestFaults.traceparent());

    FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, WAIT);
    assertThat(lifecycle.stages(faultId))
        .containsExactly(STARTED, TARGETS_RESOLVED, INJECTED, ROLLING_BACK, COMPLETED);
    assertThat(end.targets())
        .filteredOn(t -> t.status() == TargetStatus.VERIFIED)
        .extracting(TargetOutcome::targetId)
        .containsExactlyInAnyOrderElementsOf(hosts);
    assertThat(end.targets())
        .filteredOn(t -> t.kind().equals("ecs-cluster"))
        .singleElement()
        .satisfies(t -> assertThat(t.targetId()).isEqualTo(cluster));
    assertThat(commands(account)).hasSize(2);
    assertThat(instanceIds(commands(account).getFirst()))
        .containsExactlyInAnyOrderElementsOf(hosts);
  }

  @Test
  void resetsHttpPeersOnNamedInstancesSkippingUnknownOnes() {
    String account = MotoAccounts.freshAccount();
    List<String> ids = MotoAccounts.runInstances(account, 2, Map.of());
    String faultId = TestFaults.unique("f-http");

    TestFaults.publish(
        TestFaults.approval(
            faultId,
            TestFaults.unique("http"),
            account,
            "ec2-http-reset-peer",
            Map.of(
                "EC2_INSTANCE_ID",
                String.join(",", ids) + ",i-0000000000000dead",
                "TARGET_SERVICE_PORT",
                8080,
                "NETWORK_INTERFACE",
                "ens5",
                "INSTALL_DEPENDENCIES",
                false,
                "PROXY",
                "https_proxy=http://proxy.internal:3128",
                "TOTAL_CHAOS_DURATION",
                1),
            false,
            ProtectedTargetGuard.none(),
            10),
        TestFaults.traceparent());

    FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, WAIT);
    assertThat(end.stage()).isEqualTo(COMPLETED);
    assertThat(lifecycle.awaitStage(faultId, TARGETS_RESOLVED, WAIT).targets())
        .filteredOn(t -> t.status() == TargetStatus.SKIPPED)
        .extracting(TargetOutcome::targetId)
        .containsExactly("i-0000000000000dead");
    assertThat(parameters(commands(account).getFirst()))
        .containsEntry("TargetPort", List.of("8080"))
        .containsEntry("NetworkInterface", List.of("ens5"))
        .containsEntry("InstallDependencies", List.of("false"))
        .containsEntry("Proxy", List.of("https_proxy=http://proxy.internal:3128"));
    assertThat(instanceIds(commands(account).getFirst())).containsExactlyInAnyOrderElementsOf(ids);
  }

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
    assertThat(injects.stream().map(ExecutorIT::instanceIds).flatMap(Collection::stream).distinct())
        .hasSize(120);
    assertThat(lifecycle.awaitStage(faultId, INJECTED, WAIT).ssmCommandIds()).hasSize(3);
  }

  @Test
  void runsSeriallyOneInstanceAtATimeAfterTheRampTime() {
    String account = MotoAccounts.freshAccount();
    List<String> ids = MotoAccounts.runInstances(account, 3, Map.of("app", "serial"));
    String faultId = TestFaults.unique("f-serial");

    TestFaults.publish(
        TestFaults.approval(
            faultId,
            TestFaults.unique("serial"),
            account,
            "ec2-process-kill",
            Map.of(
                "PROCESS_IDS",
                "1001",
                "EC2_INSTANCE_TAG",
                "app:serial",
                "INSTANCE_AFFECTED_PERC",
                100,
                "SEQUENCE",
                "serial",
                "RAMP_TIME",
                1,
                "TOTAL_CHAOS_DURATION",
                1),
            false,
            ProtectedTargetGuard.none(),
            10),
        TestFaults.traceparent());

    assertThat(lifecycle.awaitTerminal(faultId, WAIT).stage()).isEqualTo(COMPLETED);
    List<SentRequest> sent = commands(account);
    assertThat(sent).hasSize(6).allSatisfy(c -> assertThat(instanceIds(c)).hasSize(1));
    assertThat(sent.subList(0, 3))
        .allSatisfy(c -> assertThat(parameters(c)).containsEntry("Action", List.of("inject")));
    assertThat(sent.stream().limit(3).map(c -> instanceIds(c).getFirst()))
        .containsExactlyInAnyOrderElementsOf(ids);
    var resolvedAt = lifecycle.awaitStage(faultId, TARGETS_RESOLVED, WAIT).occurredAt();
    var injectedAt = lifecycle.awaitStage(faultId, INJECTED, WAIT).occurredAt();
    assertThat(Duration.between(resolvedAt, injectedAt))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
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

  @Test
  void abortsAFaultDuringItsHoldAndRollsItBack() {
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
