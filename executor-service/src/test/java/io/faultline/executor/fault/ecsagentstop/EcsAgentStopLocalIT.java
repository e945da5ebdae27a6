package io.faultline.executor.fault.ecsagentstop;

import static io.faultline.events.lifecycle.LifecycleStage.ABORTED;
import static io.faultline.events.lifecycle.LifecycleStage.COMPLETED;
import static io.faultline.events.lifecycle.LifecycleStage.FAILED;
import static io.faultline.events.lifecycle.LifecycleStage.INJECTED;
import static io.faultline.events.lifecycle.LifecycleStage.ROLLING_BACK;
import static io.faultline.events.lifecycle.LifecycleStage.STARTED;
import static io.faultline.events.lifecycle.LifecycleStage.TARGETS_RESOLVED;
import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.LifecycleTap;
import io.faultline.events.control.ControlAction;
import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.TargetOutcome;
import io.faultline.events.lifecycle.TargetStatus;
import io.faultline.executor.Executor;
import io.faultline.executor.TestFaults;
import io.faultline.executor.fault.FaultRegistry;
import io.faultline.executor.fault.local.HostProcesses;
import io.faultline.executor.fault.local.LocalDocumentRunner;
import io.faultline.executor.hostlocal.LocalAccountConnector;
import io.faultline.executor.hostlocal.LocalAccountConnector.Sent;
import io.faultline.executor.run.RunSettings;
import io.faultline.testsupport.TestKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ECS agent stop through the whole executor on a real broker, with the local transport running the
 * real document on this host against the stand-in agent ({@code local/bin/systemctl}: a real
 * process started and stopped, each start/stop stamped in its timeline). The directory reports an
 * agent connected only once that process has run for {@link #reconnectDelay}, so the reconnection
 * wait is driven from disconnected to connected, which moto (always {@code agentConnected=true})
 * cannot do.
 */
class EcsAgentStopLocalIT {
  private static final String H1 = "i-0ec5000000000a001";
  private static final String H2 = "i-0ec5000000000a002";
  private static final String OTHER_TEAM = "i-0ec5000000000a003";
  private static final String SOLO = "i-0ec5000000000a004";
  private static final String CLUSTER = "local-orders";
  private static final String SOLO_CLUSTER = "local-solo";
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static Path dir;
  private static Path agentDir;
  private static Path systemctl;
  private static Map<String, String> environment;
  private static LocalAccountConnector connector;
  private static Executor executor;
  private static LifecycleTap lifecycle;
  // How long the agent must have run before the directory reports it connected.
  private static volatile Duration reconnectDelay = Duration.ZERO;
  // Every answer the directory gave: when, and whether connected.
  private static final List<Answer> answers = new CopyOnWriteArrayList<>();

  private record Answer(Instant at, boolean connected) {}

  @BeforeAll
  static void start() throws IOException {
    dir = Files.createTempDirectory("ecs-local-it");
    agentDir = Files.createDirectories(dir.resolve("agent"));
    systemctl = HostProcesses.installExecutable("/local/bin/systemctl", dir.resolve("bin"));
    environment =
        Map.of(
            "PATH",
            systemctl.getParent() + ":" + System.getenv("PATH"),
            "FAKE_ECS_DIR",
            agentDir.toString(),
            "FAULTLINE_STATE_DIR",
            dir.resolve("state").toString(),
            "FAULTLINE_DEADMAN_MARGIN_SECONDS",
            "1");
    TestFaults.createTopics();
    connector =
        new LocalAccountConnector(
            new LocalDocumentRunner(environment),
            Map.of(
                H1, Map.of("team", "orders"),
                H2, Map.of("team", "orders"),
                OTHER_TEAM, Map.of("team", "billing"),
                SOLO, Map.of()),
            Map.of(CLUSTER, List.of(H1, H2, OTHER_TEAM), SOLO_CLUSTER, List.of(SOLO)),
            (cluster, instanceId) -> record(agentConnected()));
    executor =
        Executor.start(
            new Executor.Config(
                TestKafka.bootstrapServers(),
                TestFaults.unique("ecs-local"),
                "ecs-local-1",
                Duration.ofSeconds(6),
                100,
                RunSettings.defaults()
                    .withPrecheck(RunSettings.Precheck.SKIP)
                    .withPolling(Duration.ofMillis(100), Duration.ofMillis(300))),
            connector,
            FaultRegistry.discover());
    lifecycle = new LifecycleTap();
  }

  @AfterAll
  static void stop() {
    lifecycle.close();
    executor.close();
  }

  @BeforeEach
  void startTheAgent() throws IOException {
    reconnectDelay = Duration.ZERO;
    answers.clear();
    Files.deleteIfExists(agentDir.resolve("timeline"));
    standIn("start");
    Files.deleteIfExists(agentDir.resolve("timeline"));
  }

  @AfterEach
  void stopEverything() {
    System.clearProperty("faultline.executor.ecs.reconnect-timeout-seconds");
    HostProcesses.killAll(dir.resolve("state").toString());
    agentPid().ifPresent(pid -> HostProcesses.kill(Long.toString(pid)));
  }

  @Test
  void stopsTheAgentOnOneSelectedHostAtATimeEachForTheFullDuration() throws IOException {
    String faultId = TestFaults.unique("f-ecs-serial");
    TestFaults.publish(
        approval(
            faultId,
            Map.of(
                "CLUSTER_NAME",
                CLUSTER,
                "CONTAINER_INSTANCE_TAG",
                "team:orders",
                "SEQUENCE",
                "serial",
                "TOTAL_CHAOS_DURATION",
                2)),
        TestFaults.traceparent());

    FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, WAIT);
    assertThat(end.stage()).isEqualTo(COMPLETED);
    assertThat(lifecycle.stages(faultId))
        .containsExactly(STARTED, TARGETS_RESOLVED, INJECTED, ROLLING_BACK, COMPLETED);
    assertThat(lifecycle.awaitStage(faultId, TARGETS_RESOLVED, WAIT).detail())
        .isEqualTo(
            "2 of 3 container instances of local-orders tagged team=orders eligible; warning:"
                + " TOTAL_CHAOS_DURATION 2 s is below the advised 30-60 s, so ECS may never report"
                + " the agent disconnected");
    List<Sent> sent = sentFor(faultId);
    assertThat(sent)
        .extracting(Sent::action)
        .containsExactly("inject", "rollback", "inject", "rollback");
    assertThat(sent.get(1).instanceId()).isEqualTo(sent.get(0).instanceId());
    assertThat(sent.get(3).instanceId()).isEqualTo(sent.get(2).instanceId());
    assertThat(List.of(sent.get(0).instanceId(), sent.get(2).instanceId()))
        .containsExactlyInAnyOrder(H1, H2);

    // The host side: the agent stopped for the full duration, started, and only then stopped on
    // the next host; the second inject was sent after the first host's agent was started again.
    List<String[]> timeline = timeline();
    assertThat(timeline).extracting(e -> e[0]).containsExactly("stop", "start", "stop", "start");
    long firstStop = at(timeline, 0);
    long firstStart = at(timeline, 1);
    long secondStop = at(timeline, 2);
    long secondStart = at(timeline, 3);
    assertThat(firstStart - firstStop).isGreaterThanOrEqualTo(2_000);
    assertThat(secondStop).isGreaterThanOrEqualTo(firstStart);
    assertThat(secondStart - secondStop).isGreaterThanOrEqualTo(2_000);
    assertThat(sent.get(2).at().toEpochMilli()).isGreaterThanOrEqualTo(firstStart);
    assertThat(end.targets())
        .filteredOn(t -> t.status() == TargetStatus.VERIFIED)
        .extracting(TargetOutcome::targetId)
        .containsExactlyInAnyOrder(H1, H2);
    assertThat(end.targets()).extracting(TargetOutcome::targetId).doesNotContain(OTHER_TEAM);
  }

  @Test
  void anAbortDuringASerialRunRestoresTheHeldHostAtOnceAndInjectsNoOther() throws IOException {
    String faultId = TestFaults.unique("f-ecs-serial-abort");
    var approval =
        approval(
            faultId,
            Map.of(
                "CLUSTER_NAME",
                CLUSTER,
                "CONTAINER_INSTANCE_TAG",
                "team:orders",
                "SEQUENCE",
                "serial",
                "TOTAL_CHAOS_DURATION",
                300));
    TestFaults.publish(approval, TestFaults.traceparent());
    lifecycle.awaitStage(faultId, INJECTED, WAIT);

    TestFaults.control(ControlAction.ABORT_FAULT, approval.tenantId(), approval.faultId());

    FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, WAIT);
    assertThat(end.stage()).isEqualTo(ABORTED);
    assertThat(end.detail())
        .isEqualTo(
            "aborted by a control; serial: 1 of 2 hosts injected one at a time, each rolled back"
                + " before the next; 1 host was never sent a command");
    List<Sent> sent = connector.sent();
    List<Sent> last = sent.subList(sent.size() - 2, sent.size());
    assertThat(last).extracting(Sent::action).containsExactly("inject", "rollback");
    assertThat(last.get(1).instanceId()).isEqualTo(last.get(0).instanceId());
    List<String[]> timeline = timeline();
    assertThat(timeline).extracting(e -> e[0]).containsExactly("stop", "start");
    // Restored on the abort, long before its 300 s hold would have ended.
    assertThat(at(timeline, 1) - at(timeline, 0)).isLessThan(60_000);
  }

  @Test
  void waitsUntilTheAgentReportsConnectedAgainAfterItStarted() throws IOException {
    reconnectDelay = Duration.ofSeconds(3);
    String faultId = TestFaults.unique("f-ecs-reconnect");
    TestFaults.publish(
        approval(faultId, Map.of("CLUSTER_NAME", SOLO_CLUSTER, "TOTAL_CHAOS_DURATION", 1)),
        TestFaults.traceparent());

    FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, WAIT);
    assertThat(end.stage()).isEqualTo(COMPLETED);
    assertThat(end.targets())
        .filteredOn(t -> t.targetId().equals(SOLO))
        .extracting(TargetOutcome::status)
        .containsExactly(TargetStatus.VERIFIED);
    long started = at(timeline(), 1);
    // The directory said disconnected after the agent started, then connected: the executor
    // waited through both, and completed only after the agent had reconnected.
    assertThat(answers)
        .filteredOn(a -> a.at().toEpochMilli() >= started)
        .extracting(Answer::connected)
        .startsWith(false)
        .endsWith(true);
    assertThat(end.occurredAt().toEpochMilli() - started).isGreaterThanOrEqualTo(3_000);
  }

  @Test
  void failsWithAClearReasonWhenTheAgentNeverReconnects() throws IOException {
    reconnectDelay = Duration.ofDays(1);
    System.setProperty("faultline.executor.ecs.reconnect-timeout-seconds", "2");
    String faultId = TestFaults.unique("f-ecs-never");
    TestFaults.publish(
        approval(faultId, Map.of("CLUSTER_NAME", SOLO_CLUSTER, "TOTAL_CHAOS_DURATION", 1)),
        TestFaults.traceparent());

    FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, WAIT);
    assertThat(end.stage()).isEqualTo(FAILED);
    assertThat(end.reason()).isEqualTo(FailureReason.VERIFY);
    assertThat(end.detail()).contains(SOLO + "=ECS agent not connected within 2 s");
    assertThat(end.targets())
        .filteredOn(t -> t.targetId().equals(SOLO))
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.status()).isEqualTo(TargetStatus.ROLLBACK_FAILED);
              assertThat(t.detail()).isEqualTo("ECS agent not connected within 2 s");
            });
    // The host did its part: the agent runs again, only the control plane never saw it.
    assertThat(timeline()).extracting(e -> e[0]).containsExactly("stop", "start");
    assertThat(agentPid())
        .hasValueSatisfying(pid -> assertThat(HostProcesses.isRunning(pid)).isTrue());
  }

  private static io.faultline.events.decision.FaultApproved approval(
      String faultId, Map<String, ?> parameters) {
    return TestFaults.approval(
        faultId,
        TestFaults.unique("ecs-local"),
        "000000000000",
        "ecs-agent-stop",
        parameters,
        false,
        ProtectedTargetGuard.none(),
        10);
  }

  /** Connected when the stand-in agent runs and has run for the reconnect delay. */
  private static boolean agentConnected() {
    Path pidFile = agentDir.resolve("agent.pid");
    try {
      long pid = Long.parseLong(Files.readString(pidFile).strip());
      Instant startedAt = Files.getLastModifiedTime(pidFile).toInstant();
      return HostProcesses.isRunning(pid)
          && !Instant.now().isBefore(startedAt.plus(reconnectDelay));
    } catch (IOException | NumberFormatException e) {
      return false;
    }
  }

  private static boolean record(boolean connected) {
    answers.add(new Answer(Instant.now(), connected));
    return connected;
  }

  private static List<Sent> sentFor(String faultId) {
    // Commands of earlier tests are in the connector too; this fault's are the last ones sent.
    List<Sent> all = connector.sent();
    return all.subList(Math.max(0, all.size() - 4), all.size());
  }

  private static List<String[]> timeline() throws IOException {
    return Files.readAllLines(agentDir.resolve("timeline")).stream()
        .map(l -> l.split(" "))
        .toList();
  }

  private static long at(List<String[]> timeline, int index) {
    return Long.parseLong(timeline.get(index)[1]);
  }

  private static java.util.Optional<Long> agentPid() {
    try {
      return java.util.Optional.of(
          Long.parseLong(Files.readString(agentDir.resolve("agent.pid")).strip()));
    } catch (IOException | NumberFormatException e) {
      return java.util.Optional.empty();
    }
  }

  private static void standIn(String command) {
    ProcessBuilder builder = new ProcessBuilder(systemctl.toString(), command, "ecs");
    builder.environment().putAll(environment);
    try {
      Process process = builder.redirectErrorStream(true).start();
      process.getInputStream().readAllBytes();
      process.waitFor();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
