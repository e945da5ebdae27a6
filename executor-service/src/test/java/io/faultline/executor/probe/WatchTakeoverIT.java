package io.faultline.executor.probe;

import static io.faultline.events.lifecycle.LifecycleStage.ABORTED;
import static io.faultline.events.lifecycle.LifecycleStage.INJECTED;
import static io.faultline.events.lifecycle.LifecycleStage.STARTED;
import static io.faultline.executor.probe.WatchRig.alarmProbe;
import static io.faultline.executor.probe.WatchRig.publish;
import static io.faultline.executor.probe.WatchRig.watch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.faultline.events.LifecycleTap;
import io.faultline.events.TopicTap;
import io.faultline.events.control.ControlAction;
import io.faultline.events.control.ControlReason;
import io.faultline.events.control.FaultControl;
import io.faultline.events.decision.FaultApproved;
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.probe.RunEvent;
import io.faultline.events.probe.RunEventKind;
import io.faultline.events.probe.RunWatch;
import io.faultline.events.probe.WatchPhase;
import io.faultline.events.topics.Topics;
import io.faultline.executor.ChildExecutor;
import io.faultline.executor.Executor;
import io.faultline.executor.TestFaults;
import io.faultline.executor.aws.AwsAccountConnector;
import io.faultline.executor.aws.RequestRecorder;
import io.faultline.executor.fault.FaultRegistry;
import io.faultline.testsupport.TestKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;

/**
 * ADR 0010's restart promise: the executor evaluating a run's watch (and running its fault) is
 * killed mid-watch; a restarted executor in the same groups rebuilds the watch from the compacted
 * record, takes the fault over, and a breach still aborts the run and rolls the fault back.
 */
@Tag("waits-in-pairs")
class WatchTakeoverIT {
  private static final Duration WAIT = Duration.ofSeconds(90);

  private Process child;
  private WatchRig rig;
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
    if (rig != null) {
      rig.close();
    }
  }

  @Test
  void aRestartedExecutorPicksUpTheWatchOfAKilledOneAndAbortsTheRunOnABreach() throws Exception {
    rig = new WatchRig("WatchTakeoverIT");
    lifecycle = new LifecycleTap();
    runEvents = new TopicTap<>(Topics.RUN_EVENTS);
    controls = new TopicTap<>(Topics.FAULT_CONTROLS);
    String group = TestFaults.unique("watch-group");
    // Groups of their own: no other executor of this JVM shares the watch's partition.
    String probesGroup = TestFaults.unique("watch-probes");
    startChild(group, probesGroup);

    WatchRig.HeldFault held = rig.publishHeldFault("taken-over", "4242", "takeover");
    String account = held.account();
    String alarm = held.alarm();
    String faultId = held.faultId();
    FaultApproved approval = held.approval();
    assertThat(lifecycle.awaitStage(faultId, STARTED, WAIT).detail()).contains("child-w");
    lifecycle.awaitStage(faultId, INJECTED, WAIT);
    RunWatch watch =
        watch(
            approval, WatchPhase.RUNNING, List.of(), List.of(alarmProbe("errors", account, alarm)));
    publish(watch);
    // The child is the only member of both groups: these readings are its.
    await().atMost(WAIT).until(() -> readings(watch).size() >= 2);

    child.destroyForcibly().waitFor();
    int readByChild = readings(watch).size();
    RequestRecorder recorder = new RequestRecorder();
    connector = rig.connector(recorder);
    restarted =
        Executor.start(
            WatchRig.executor(group, "restarted")
                .withOwnership(ChildExecutor.HEARTBEAT, ChildExecutor.GRACE)
                .withProbes(WatchSettings.defaults().withGroupId(probesGroup)),
            connector,
            FaultRegistry.discover());
    // The killed member leaves both groups when its session times out; then the watch is rebuilt
    // from the compacted record and the fault is taken over once its heartbeats are stale.
    await().atMost(WAIT).until(() -> restarted.watchedRuns() == 1 && restarted.inFlight() == 1);
    await().atMost(WAIT).until(() -> readings(watch).size() > readByChild);
    assertThat(readings(watch)).allSatisfy(e -> assertThat(e.reading().ok()).isTrue());

    rig.setAlarm(account, alarm, StateValue.ALARM);

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
                rig.awsEndpoint().toString(),
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
}
