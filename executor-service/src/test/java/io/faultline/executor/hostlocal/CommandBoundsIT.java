package io.faultline.executor.hostlocal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.faultline.events.LifecycleTap;
import io.faultline.events.decision.FaultApproved;
import io.faultline.events.decision.ProtectedTargetGuard;
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.lifecycle.TargetOutcome;
import io.faultline.events.lifecycle.TargetStatus;
import io.faultline.executor.TestFaults;
import io.faultline.executor.aws.AwsAccountConnector;
import io.faultline.executor.aws.AwsSettings;
import io.faultline.executor.aws.MotoAccounts;
import io.faultline.executor.aws.RequestRecorder;
import io.faultline.executor.control.Controls;
import io.faultline.executor.fault.AccountConnector;
import io.faultline.executor.fault.AccountSession;
import io.faultline.executor.fault.FaultRegistry;
import io.faultline.executor.fault.document.SsmDocument;
import io.faultline.executor.fault.local.HostProcesses;
import io.faultline.executor.fault.local.LocalDocumentRunner;
import io.faultline.executor.lifecycle.FaultLedger;
import io.faultline.executor.observability.ExecutorMetrics;
import io.faultline.executor.observability.Observability;
import io.faultline.executor.run.FaultRunner;
import io.faultline.executor.run.RunSettings;
import io.faultline.testsupport.MotoServer;
import io.faultline.testsupport.TestKafka;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands bounded on the AWS side, through the host-local transport: the real ecs-agent-stop
 * document runs on this host against a stand-in agent (a stand-in {@code systemctl} first on PATH).
 * moto finishes every command at once and answers CancelCommand with HTTP 500, so neither a command
 * that outlives the executor's wait nor a late success can be seen there. Here one inject hangs
 * inside {@code systemctl stop} past the command timeout and is cancelled (its process group
 * killed); another is delivered only after the executor gave up on it, its CancelCommand answered
 * by moto's real HTTP 500, and succeeds after the rollback found nothing to undo: the rollback is
 * sent again.
 */
class CommandBoundsIT {
  private static final String HOST = "i-0c0b000000000a001";
  private static final String CLUSTER = "orders";
  // Long enough for a rollback on a loaded machine (its dead-man disarm scans /proc), which the
  // command timeout bounds too.
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static FaultLedger ledger;
  private static LifecycleTap lifecycle;

  @TempDir Path dir;
  private Path agentDir;
  private Path stateDir;
  private Path systemctl;
  private Map<String, String> environment;
  private final MeterRegistry meters = new SimpleMeterRegistry();

  @BeforeAll
  static void start() {
    TestFaults.createTopics();
    ledger =
        new FaultLedger(TestKafka.bootstrapServers(), "command-bounds-" + TestFaults.unique("tx"));
    lifecycle = new LifecycleTap();
  }

  @AfterAll
  static void stop() {
    lifecycle.close();
    ledger.close();
  }

  @BeforeEach
  void startStandInAgent() throws Exception {
    agentDir = Files.createDirectories(dir.resolve("agent"));
    stateDir = dir.resolve("state");
    systemctl = HostProcesses.installExecutable("/local/bin/systemctl", dir.resolve("bin"));
    environment = new HashMap<>();
    environment.put("PATH", systemctl.getParent() + ":" + System.getenv("PATH"));
    environment.put("FAKE_ECS_DIR", agentDir.toString());
    environment.put("FAULTLINE_STATE_DIR", stateDir.toString());
    environment.put("FAULTLINE_DEADMAN_MARGIN_SECONDS", "1");
    ProcessBuilder start = new ProcessBuilder(systemctl.toString(), "start", "ecs");
    start.environment().putAll(environment);
    Process process = start.redirectErrorStream(true).start();
    process.getInputStream().readAllBytes();
    assertThat(process.waitFor()).isZero();
    assertThat(agentRunning()).isTrue();
  }

  @AfterEach
  void stopEverything() {
    HostProcesses.killAll(stateDir.toString());
    HostProcesses.killAll(systemctl.toString());
    agentPid().ifPresent(pid -> HostProcesses.kill(pid.toString()));
  }

  private Optional<Long> agentPid() {
    try {
      return Optional.of(Long.parseLong(Files.readString(agentDir.resolve("agent.pid")).strip()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private boolean agentRunning() {
    return agentPid().map(HostProcesses::isRunning).orElse(false);
  }

  private List<String> agentEvents() throws IOException {
    return Files.readAllLines(agentDir.resolve("events"));
  }

  private LocalAccountConnector local() {
    return new LocalAccountConnector(
        new LocalDocumentRunner(environment),
        Map.of(HOST, Map.of()),
        Map.of(CLUSTER, List.of(HOST)));
  }

  private FaultRunner runner(AccountConnector connector) {
    return new FaultRunner(
        FaultRegistry.discover(),
        connector,
        ledger,
        new Controls(),
        RunSettings.defaults()
            .withPolling(Duration.ofMillis(100), Duration.ofMillis(500))
            .withCommandTimeout(COMMAND_TIMEOUT),
        "command-bounds",
        new Observability(OpenTelemetry.noop(), meters));
  }

  private static FaultApproved approval(String faultId, String account) {
    // 60 s: the dead-man an inject arms never fires during the test; only a rollback disarms it.
    return TestFaults.approval(
        faultId,
        TestFaults.unique("bounds"),
        account,
        "ecs-agent-stop",
        Map.of("CLUSTER_NAME", CLUSTER, "TOTAL_CHAOS_DURATION", 60),
        false,
        ProtectedTargetGuard.none(),
        5);
  }

  private static TargetOutcome host(FaultLifecycleEvent event) {
    return event.targets().stream()
        .filter(t -> t.targetId().equals(HOST))
        .findFirst()
        .orElseThrow();
  }

  private List<Long> deadMen(String faultId) {
    return HostProcesses.pidsWithCommandLineContaining(
        stateDir.resolve(faultId).resolve("revert.sh").toString());
  }

  private double count(String meter, String... tags) {
    var counter = meters.find(meter).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void cancelsAnInjectThatOutlivesTheCommandTimeoutAndKillsItsProcesses() throws Exception {
    // The stand-in's "systemctl stop" stops the agent, then hangs far past the command timeout.
    environment.put("FAKE_ECS_STOP_SECONDS", "300");
    String faultId = TestFaults.unique("f-outlives");
    String stopping = systemctl + " stop ecs";

    runner(local()).start(approval(faultId, "123456789012"), 0, 0, TestFaults.traceparent());

    List<Long> hanging =
        await()
            .atMost(WAIT)
            .until(() -> HostProcesses.pidsWithCommandLineContaining(stopping), l -> !l.isEmpty());
    FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, WAIT);

    assertThat(end.stage()).isEqualTo(LifecycleStage.FAILED);
    assertThat(end.reason()).as(end.detail()).isEqualTo(FailureReason.INJECT);
    // CancelCommand on the local transport kills the run's process group.
    assertThat(hanging).noneMatch(HostProcesses::isRunning);
    assertThat(HostProcesses.pidsWithCommandLineContaining(stopping)).isEmpty();
    assertThat(host(lifecycle.awaitStage(faultId, LifecycleStage.ROLLING_BACK, WAIT)))
        .satisfies(
            t -> {
              assertThat(t.status()).isEqualTo(TargetStatus.INJECT_FAILED);
              assertThat(t.detail())
                  .startsWith("inject given up after 20 s, CancelCommand accepted")
                  .contains("no result within 20 s");
            });
    assertThat(host(end).detail())
        .startsWith("inject given up after 20 s, CancelCommand accepted; inject was cancelled");
    // The rollback ran after the kill: the agent the inject stopped runs again, no dead-man left.
    assertThat(agentRunning()).isTrue();
    assertThat(deadMen(faultId)).isEmpty();
    assertThat(count(ExecutorMetrics.COMMAND_CANCELS, "cause", "TIMEOUT", "outcome", "accepted"))
        .isEqualTo(1.0);
  }

  @Test
  void rollsBackAgainWhenAnInjectGivenUpOnSucceedsLate() throws Exception {
    MotoAccounts.init();
    RequestRecorder recorder = new RequestRecorder();
    String account = MotoAccounts.freshAccount();
    String faultId = TestFaults.unique("f-late");
    LocalAccountConnector local = local();
    List<String> sent = new CopyOnWriteArrayList<>();
    try (AwsAccountConnector moto =
        new AwsAccountConnector(
            AwsSettings.defaults()
                .withEndpoint(MotoServer.shared().endpoint())
                .withRetries(2, Duration.ofMillis(20), Duration.ofMillis(100)),
            recorder)) {
      FaultRunner runner =
          runner(
              request ->
                  new DeliveredLate(
                      local.connect(request),
                      moto.connect(request),
                      // After the executor gave up, cancelled (moto refuses, with retries) and
                      // sent the rollback, even on a loaded machine; within SSM's 30 s delivery.
                      COMMAND_TIMEOUT.plusSeconds(9),
                      sent));

      runner.start(approval(faultId, account), 0, 0, TestFaults.traceparent());
      FaultLifecycleEvent end = lifecycle.awaitTerminal(faultId, WAIT);

      assertThat(end.stage()).isEqualTo(LifecycleStage.FAILED);
      assertThat(end.reason()).as(end.detail()).isEqualTo(FailureReason.INJECT);
      assertThat(end.detail())
          .contains("given-up inject ended late (" + HOST + " succeeded): rollback sent again");
      // The rollback found nothing to undo, the inject stopped the agent after it, the rollback
      // sent again started it.
      assertThat(sent).containsExactly("inject " + HOST, "rollback " + HOST, "rollback " + HOST);
      assertThat(agentEvents())
          .hasSize(3)
          .satisfies(
              lines -> {
                assertThat(lines.get(0)).startsWith("start");
                assertThat(lines.get(1)).startsWith("stop");
                assertThat(lines.get(2)).startsWith("start");
              });
      assertThat(agentRunning()).isTrue();
      assertThat(deadMen(faultId)).isEmpty();
      // moto's HTTP 500 is reported on the target, and the rollback ran anyway.
      assertThat(host(lifecycle.awaitStage(faultId, LifecycleStage.ROLLING_BACK, WAIT)).detail())
          .startsWith("inject given up after 20 s, CancelCommand refused: ssm:CancelCommand failed")
          .contains("HTTP 500");
      assertThat(host(end))
          .satisfies(
              t -> {
                assertThat(t.status()).isIn(TargetStatus.ROLLED_BACK, TargetStatus.VERIFIED);
                assertThat(t.detail())
                    .contains("CancelCommand refused")
                    .contains("inject succeeded late; rollback sent again");
              });
      assertThat(recorder.sent("CancelCommand", account))
          .isNotEmpty()
          .allSatisfy(c -> assertThat(c.field("InstanceIds")).isEqualTo(List.of(HOST)));
      assertThat(count(ExecutorMetrics.COMMAND_CANCELS, "cause", "TIMEOUT", "outcome", "refused"))
          .isEqualTo(1.0);
      assertThat(count(ExecutorMetrics.LATE_INJECTS, "end", "success", "rolled_back_again", "true"))
          .isEqualTo(1.0);
    }
  }

  /**
   * The local transport behind an unreachable instance: an inject is delivered (run on this host)
   * only {@code delay} after it was sent, as SSM delivers to an instance that comes back within its
   * delivery timeout; CancelCommand goes to moto, which answers HTTP 500. Records what was sent.
   */
  private static final class DeliveredLate implements AccountSession {
    private final AccountSession local;
    private final AccountSession moto;
    private final Duration delay;
    private final List<String> sent;
    private final Map<String, String> delivered = new ConcurrentHashMap<>();
    private final Set<String> held = ConcurrentHashMap.newKeySet();

    DeliveredLate(AccountSession local, AccountSession moto, Duration delay, List<String> sent) {
      this.local = local;
      this.moto = moto;
      this.delay = delay;
      this.sent = sent;
    }

    @Override
    public List<Instance> instances(List<String> ids) {
      return local.instances(ids);
    }

    @Override
    public List<Instance> runningInstancesWithTag(String key, String value) {
      return local.runningInstancesWithTag(key, value);
    }

    @Override
    public Optional<List<ClusterMember>> clusterMembers(String cluster) {
      return local.clusterMembers(cluster);
    }

    @Override
    public Set<String> ssmOnline(List<String> instanceIds) {
      return local.ssmOnline(instanceIds);
    }

    @Override
    public Map<String, Boolean> agentConnected(String cluster) {
      return local.agentConnected(cluster);
    }

    @Override
    public DocumentVersion ensureDocument(SsmDocument document) {
      return local.ensureDocument(document);
    }

    @Override
    public String send(
        DocumentVersion document,
        List<String> instanceIds,
        Map<String, String> parameters,
        String comment,
        Duration deliveryTimeout) {
      String action = parameters.get("Action");
      instanceIds.forEach(id -> sent.add(action + " " + id));
      if (!action.equals("inject")) {
        return local.send(document, instanceIds, parameters, comment, deliveryTimeout);
      }
      String commandId = UUID.randomUUID().toString();
      held.add(commandId);
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  // The late delivery itself is what this transport simulates, not a wait on
                  // anything: the inject reaches the host only after the executor gave up.
                  Thread.sleep(delay);
                } catch (InterruptedException e) {
                  return;
                }
                delivered.put(
                    commandId,
                    local.send(document, instanceIds, parameters, comment, deliveryTimeout));
              });
      return commandId;
    }

    @Override
    public Invocation invocation(String commandId, String instanceId) {
      if (held.contains(commandId)) {
        String run = delivered.get(commandId);
        return run == null
            ? new Invocation(Invocation.Status.PENDING, "")
            : local.invocation(run, instanceId);
      }
      return local.invocation(commandId, instanceId);
    }

    @Override
    public void cancel(String commandId, List<String> instanceIds) {
      moto.cancel(commandId, instanceIds);
    }
  }
}
