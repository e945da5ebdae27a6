package io.faultline.executor.probe;

import static io.faultline.events.lifecycle.LifecycleStage.ABORTED;
import static io.faultline.events.lifecycle.LifecycleStage.INJECTED;
import static io.faultline.events.lifecycle.LifecycleStage.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.faultline.events.LifecycleTap;
import io.faultline.events.TopicTap;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.control.ControlAction;
import io.faultline.events.control.ControlReason;
import io.faultline.events.control.FaultControl;
import io.faultline.events.decision.FaultApproved;
import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.AwsRegion;
import io.faultline.events.ids.TenantId;
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.policy.ProtectedTargets;
import io.faultline.events.probe.CloudWatchAlarmSettings;
import io.faultline.events.probe.ProbeDefinition;
import io.faultline.events.probe.RunEvent;
import io.faultline.events.probe.RunEventKind;
import io.faultline.events.probe.RunWatch;
import io.faultline.events.probe.WatchPhase;
import io.faultline.events.topics.Topics;
import io.faultline.executor.ChildExecutor;
import io.faultline.executor.Executor;
import io.faultline.executor.TestFaults;
import io.faultline.executor.aws.AwsAccountConnector;
import io.faultline.executor.aws.AwsSettings;
import io.faultline.executor.aws.MotoAccounts;
import io.faultline.executor.aws.RequestRecorder;
import io.faultline.executor.fault.FaultRegistry;
import io.faultline.executor.run.RunSettings;
import io.faultline.testsupport.CloudWatchJsonBridge;
import io.faultline.testsupport.MotoServer;
import io.faultline.testsupport.TestKafka;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;

/**
 * ADR 0010's restart promise: the executor evaluating a run's watch (and running its fault) is
 * killed mid-watch; a restarted executor in the same groups rebuilds the watch from the compacted
 * record, takes the fault over, and a breach still aborts the run and rolls the fault back.
 */
class WatchTakeoverIT {
  private static final URI SCHEDULER = URI.create("/faultline/scheduler-service");
  private static final Duration WAIT = Duration.ofSeconds(90);

  private Process child;
  private CloudWatchJsonBridge bridge;
  private AwsAccountConnector connector;
  private Executor restarted;
  private LifecycleTap lifecycle;
  private TopicTap<RunEvent> runEvents;
  private TopicTap<FaultControl> controls;

  @AfterEach
  void cleanUp() throws Exception {
    if (child != null) {
      child.destroyForcibly().waitFor();
    }
    for (AutoCloseable open : new AutoCloseable[] {runEvents, controls, lifecycle, restarted}) {
      if (open != null) {
        open.close();
      }
    }
    if (connector != null) {
      connector.close();
    }
    if (bridge != null) {
      bridge.close();
    }
  }

  @Test
  void aRestartedExecutorPicksUpTheWatchOfAKilledOneAndAbortsTheRunOnABreach() throws Exception {
    MotoAccounts.init();
    TestFaults.createTopics();
    bridge = new CloudWatchJsonBridge(MotoServer.shared().endpoint());
    lifecycle = new LifecycleTap();
    runEvents = new TopicTap<>(Topics.RUN_EVENTS);
    controls = new TopicTap<>(Topics.FAULT_CONTROLS);
    String group = TestFaults.unique("watch-group");
    // Groups of their own: no other executor of this JVM shares the watch's partition.
    String probesGroup = TestFaults.unique("watch-probes");
    startChild(group, probesGroup);

    String account = MotoAccounts.freshAccount();
    MotoAccounts.runInstances(account, 1, Map.of("app", "taken-over"));
    String tenant = TestFaults.unique("takeover");
    TestFaults.publishPolicy(TenantId.of(tenant), account, 1, ProtectedTargets.none());
    String alarm = TestFaults.unique("api-5xx");
    setAlarm(account, alarm, StateValue.OK);
    String faultId = TestFaults.unique("f-watched");
    FaultApproved approval =
        TestFaults.approval(
            faultId,
            tenant,
            account,
            "ec2-process-kill",
            Map.of(
                "PROCESS_IDS",
                "4242",
                "EC2_INSTANCE_TAG",
                "app:taken-over",
                "TOTAL_CHAOS_DURATION",
                3600),
            false,
            ProtectedTargetGuard.none(),
            10);
    TestFaults.publish(approval, TestFaults.traceparent());
    assertThat(lifecycle.awaitStage(faultId, STARTED, WAIT).detail()).contains("child-w");
    lifecycle.awaitStage(faultId, INJECTED, WAIT);
    RunWatch watch =
        new RunWatch(
            approval.tenantId(),
            approval.runId(),
            approval.experimentId(),
            List.of(),
            List.of(
                ProbeDefinition.of(
                        "errors",
                        new CloudWatchAlarmSettings(
                            alarm, AccountId.of(account), AwsRegion.of(MotoAccounts.REGION)))
                    .withInterval(1)),
            WatchPhase.RUNNING,
            1,
            null,
            1,
            Instant.now());
    TestFaults.send(
        EventCodec.standard().encode(Topics.RUN_WATCHES, FaultlineEvent.of(SCHEDULER, watch)));
    // The child is the only member of both groups: these readings are its.
    await().atMost(WAIT).until(() -> readings(watch).size() >= 2);

    child.destroyForcibly().waitFor();
    int readByChild = readings(watch).size();
    RequestRecorder recorder = new RequestRecorder();
    connector =
        new AwsAccountConnector(
            AwsSettings.defaults()
                .withEndpoint(bridge.endpoint())
                .withRetries(2, Duration.ofMillis(20), Duration.ofMillis(100)),
            recorder);
    restarted =
        Executor.start(
            new Executor.Config(
                    TestKafka.bootstrapServers(),
                    group,
                    "restarted",
                    Duration.ofSeconds(6),
                    1_000,
                    RunSettings.defaults()
                        .withPrecheck(RunSettings.Precheck.SKIP)
                        .withPolling(Duration.ofMillis(100), Duration.ofMillis(500)))
                .withOwnership(ChildExecutor.HEARTBEAT, ChildExecutor.GRACE)
                .withProbes(WatchSettings.defaults().withGroupId(probesGroup)),
            connector,
            FaultRegistry.discover());
    // The killed member leaves both groups when its session times out; then the watch is rebuilt
    // from the compacted record and the fault is taken over once its heartbeats are stale.
    await().atMost(WAIT).until(() -> restarted.watchedRuns() == 1 && restarted.inFlight() == 1);
    await().atMost(WAIT).until(() -> readings(watch).size() > readByChild);
    assertThat(readings(watch)).allSatisfy(e -> assertThat(e.reading().ok()).isTrue());

    setAlarm(account, alarm, StateValue.ALARM);

    FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, WAIT);
    assertThat(end.stage()).as(end.detail()).isEqualTo(ABORTED);
    assertThat(end.reason()).isEqualTo(FailureReason.ABORTED);
    assertThat(recorder.sent("SendCommand", account))
        .singleElement()
        .satisfies(
            rollback -> {
              @SuppressWarnings("unchecked")
              Map<String, List<String>> parameters =
                  (Map<String, List<String>>) rollback.field("Parameters");
              assertThat(parameters).containsEntry("Action", List.of("rollback"));
            });
    RunEvent breach =
        await()
            .atMost(WAIT)
            .until(
                () -> events(watch, RunEventKind.STOP_CONDITION_BREACHED), list -> !list.isEmpty())
            .getFirst();
    assertThat(breach.probe()).isEqualTo("errors");
    assertThat(breach.reading().state()).isEqualTo("ALARM");
    FaultControl abort =
        await()
            .atMost(WAIT)
            .until(
                () ->
                    controls.read(
                        c ->
                            c.action() == ControlAction.ABORT_RUN
                                && c.runId().equals(watch.runId())
                                && c.tenantId().equals(watch.tenantId())),
                list -> !list.isEmpty())
            .getFirst();
    assertThat(abort.reasonCode()).isEqualTo(ControlReason.STOP_CONDITION);
    assertThat(abort.breach().probe()).isEqualTo("errors");
  }

  private void startChild(String group, String probesGroup) throws Exception {
    Path log = Files.createTempFile("child-watching-executor-", ".log");
    String java = ProcessHandle.current().info().command().orElse("java");
    child =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                ChildExecutor.class.getName(),
                TestKafka.bootstrapServers(),
                group,
                "child-w",
                bridge.endpoint().toString(),
                probesGroup)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    await().atMost(WAIT).until(() -> Files.readString(log).contains("EXECUTOR READY"));
  }

  private List<RunEvent> readings(RunWatch watch) {
    return events(watch, RunEventKind.PROBE_READING);
  }

  private List<RunEvent> events(RunWatch watch, RunEventKind kind) {
    return runEvents.read(e -> e.runId().equals(watch.runId()) && e.kind() == kind);
  }

  private void setAlarm(String account, String alarm, StateValue state) {
    try (CloudWatchClient cloudWatch =
        CloudWatchClient.builder()
            .endpointOverride(bridge.endpoint())
            .region(Region.of(MotoAccounts.REGION))
            .credentialsProvider(MotoAccounts.credentials(account))
            .build()) {
      cloudWatch.putMetricAlarm(
          b ->
              b.alarmName(alarm)
                  .namespace("Faultline/Test")
                  .metricName("Errors")
                  .statistic(Statistic.SUM)
                  .period(60)
                  .evaluationPeriods(1)
                  .threshold(1.0)
                  .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD));
      cloudWatch.setAlarmState(
          b -> b.alarmName(alarm).stateValue(state).stateReason("set by WatchTakeoverIT"));
    }
  }
}
