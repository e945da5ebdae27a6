package io.faultline.executor.fault.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.faultline.executor.fault.document.ResultLine;
import io.faultline.executor.fault.document.SsmDocument;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real ecs-agent-stop document against a stand-in agent: this host has no systemd, so a
 * stand-in {@code systemctl} (first on PATH) starts and stops a real background process as unit
 * {@code ecs}.
 */
class EcsAgentStopDocumentIT {
  private static final SsmDocument DOCUMENT = SsmDocument.forFaultType("ecs-agent-stop");
  // The dead-man tests' faults last DEAD_MAN_FAULT_SECONDS (+1 s margin) from arming: long enough
  // that a loaded machine still sees the fault active before it asserts so, short enough to wait.
  private static final String DEAD_MAN_FAULT_SECONDS = "6";
  private static final Duration DEAD_MAN_WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private Path agentDir;
  private Path stateDir;
  private Path systemctl;
  private Map<String, String> environment;

  @BeforeEach
  void startStandInAgent() throws IOException {
    agentDir = Files.createDirectories(dir.resolve("agent"));
    stateDir = dir.resolve("state");
    systemctl = HostProcesses.installExecutable("/local/bin/systemctl", dir.resolve("bin"));
    environment = new HashMap<>();
    environment.put("PATH", systemctl.getParent() + ":" + System.getenv("PATH"));
    environment.put("FAKE_ECS_DIR", agentDir.toString());
    environment.put("FAULTLINE_STATE_DIR", stateDir.toString());
    environment.put("FAULTLINE_DEADMAN_MARGIN_SECONDS", "1");
    standIn("start");
    assertThat(agentRunning()).isTrue();
  }

  @AfterEach
  void stopEverything() {
    HostProcesses.killAll(stateDir.toString());
    agentPid().ifPresent(pid -> HostProcesses.kill(pid.toString()));
  }

  private void standIn(String command) {
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

  private java.util.Optional<Long> agentPid() {
    try {
      return java.util.Optional.of(
          Long.parseLong(Files.readString(agentDir.resolve("agent.pid")).strip()));
    } catch (IOException | NumberFormatException e) {
      return java.util.Optional.empty();
    }
  }

  private boolean agentRunning() {
    return agentPid().map(HostProcesses::isRunning).orElse(false);
  }

  private LocalRun start(String action, String faultId, String duration) {
    return new LocalDocumentRunner(environment)
        .start(DOCUMENT, Map.of("Action", action, "FaultId", faultId, "DurationSeconds", duration));
  }

  private static LocalRun finished(LocalRun run) throws InterruptedException {
    assertThat(run.await(Duration.ofSeconds(60))).isTrue();
    return run;
  }

  private List<Long> deadMen(String faultId) {
    return HostProcesses.pidsWithCommandLineContaining(
        stateDir.resolve(faultId).resolve("revert.sh").toString());
  }

  @Test
  void stopsTheAgentDuringTheFaultAndStartsItOnRollback() throws Exception {
    long original = agentPid().orElseThrow();

    LocalRun inject = finished(start("inject", "ecs-rollback", "60"));

    assertThat(inject.exitCode()).as(inject.output()).isZero();
    assertThat(inject.output())
        .contains("FAULTLINE_RESULT deadman=armed mode=setsid fires_in=61")
        .contains("outcome=stopped");
    assertThat(HostProcesses.isRunning(original)).isFalse();
    assertThat(agentRunning()).isFalse();
    assertThat(deadMen("ecs-rollback")).hasSize(1);

    LocalRun rollback = finished(start("rollback", "ecs-rollback", "60"));

    assertThat(rollback.exitCode()).as(rollback.output()).isZero();
    assertThat(rollback.output()).contains("outcome=restored", "by=rollback");
    assertThat(agentRunning()).isTrue();
    assertThat(deadMen("ecs-rollback")).isEmpty();
    assertThat(stateDir.resolve("ecs-rollback")).doesNotExist();
    assertThat(Files.readAllLines(agentDir.resolve("events")))
        .last()
        .asString()
        .startsWith("start");
  }

  @Test
  void deadManStartsTheAgentWhenNoRollbackArrives() throws Exception {
    LocalRun inject = finished(start("inject", "ecs-deadman", DEAD_MAN_FAULT_SECONDS));
    assertThat(inject.exitCode()).as(inject.output()).isZero();
    assertThat(agentRunning()).isFalse();

    // The executor "died": nobody sends Action=rollback.
    await().atMost(DEAD_MAN_WAIT).until(this::agentRunning);

    await().atMost(DEAD_MAN_WAIT).until(() -> Files.notExists(stateDir.resolve("ecs-deadman")));
    // The revert removes its state before it prints its result line: wait for the line.
    await()
        .atMost(DEAD_MAN_WAIT)
        .untilAsserted(
            () ->
                assertThat(Files.readString(stateDir.resolve("deadman.log")))
                    .contains("outcome=restored by=deadman"));
    assertThat(deadMen("ecs-deadman")).isEmpty();
  }

  @Test
  void deadManStartsTheAgentWhenTheRunIsKilledMidway() throws Exception {
    environment.put("FAKE_ECS_STOP_SECONDS", "30");
    LocalRun inject = start("inject", "ecs-killed", DEAD_MAN_FAULT_SECONDS);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> inject.output().contains("deadman=armed") && !agentRunning());

    inject.cancel();

    assertThat(inject.await(Duration.ofSeconds(10))).isTrue();
    assertThat(inject.exitCode()).isEqualTo(137);
    assertThat(ResultLine.summary(inject.output())).isEmpty();
    await().atMost(DEAD_MAN_WAIT).until(this::agentRunning);
    await().atMost(DEAD_MAN_WAIT).until(() -> Files.notExists(stateDir.resolve("ecs-killed")));
  }

  @Test
  void rollbackWithoutInjectionSucceedsAndLeavesTheAgentAlone() throws Exception {
    long original = agentPid().orElseThrow();

    for (int i = 0; i < 2; i++) {
      LocalRun rollback = finished(start("rollback", "ecs-never", "30"));
      assertThat(rollback.exitCode()).as(rollback.output()).isZero();
      assertThat(rollback.output()).contains("detail=nothing-to-revert");
    }
    assertThat(agentPid()).hasValue(original);
    assertThat(HostProcesses.isRunning(original)).isTrue();
    assertThat(Files.readAllLines(agentDir.resolve("events"))).containsExactly("start " + original);
  }

  @Test
  void aRepeatedInjectionDoesNotStackDeadMen() throws Exception {
    LocalRun first = finished(start("inject", "ecs-twice", "60"));
    LocalRun second = finished(start("inject", "ecs-twice", "60"));

    assertThat(first.exitCode()).isZero();
    assertThat(second.exitCode()).isZero();
    assertThat(second.output()).contains("detail=already-injected");
    assertThat(deadMen("ecs-twice")).hasSize(1);
    assertThat(finished(start("rollback", "ecs-twice", "60")).exitCode()).isZero();
    assertThat(agentRunning()).isTrue();
  }

  @Test
  void usesUpstartStopAndStartWhereThereIsNoSystemctl() throws Exception {
    Path bin = Files.createDirectories(dir.resolve("upstart-bin"));
    for (String tool :
        List.of(
            "bash",
            "env",
            "setsid",
            "nohup",
            "sleep",
            "seq",
            "cat",
            "tr",
            "sha256sum",
            "cut",
            "mkdir",
            "rm",
            "timeout",
            "flock",
            "grep",
            "dirname")) {
      String path = HostProcesses.runOk("bash", "-c", "command -v \"$1\"", "resolve", tool).strip();
      Files.createSymbolicLink(bin.resolve(tool), Path.of(path));
    }
    for (String command : List.of("start", "stop", "status")) {
      HostProcesses.installExecutable("/local/upstart/" + command, bin);
    }
    environment.put("PATH", bin.toString());
    environment.put("FAKE_SYSTEMCTL", systemctl.toString());

    LocalRun inject = finished(start("inject", "ecs-upstart", "60"));

    assertThat(inject.exitCode()).as(inject.output()).isZero();
    assertThat(inject.output()).contains("manager=upstart", "outcome=stopped");
    assertThat(agentRunning()).isFalse();
    LocalRun rollback = finished(start("rollback", "ecs-upstart", "60"));
    assertThat(rollback.exitCode()).as(rollback.output()).isZero();
    assertThat(rollback.output()).contains("manager=upstart", "outcome=restored");
    assertThat(agentRunning()).isTrue();
  }
}
