package io.faultline.executor.fault.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.faultline.executor.fault.document.ResultLine;
import io.faultline.executor.fault.document.SsmDocument;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real ec2-process-kill document against real processes on this host. */
class ProcessKillDocumentIT {
  private static final SsmDocument DOCUMENT = SsmDocument.forFaultType("ec2-process-kill");

  @TempDir Path dir;
  private final List<Process> targets = new ArrayList<>();
  private final LocalDocumentRunner runner = new LocalDocumentRunner();

  @AfterEach
  void killTargets() {
    targets.forEach(Process::destroyForcibly);
  }

  /**
   * A process that records SIGTERM in {@code name.term}; it exits 143 on SIGTERM unless it ignores
   * it (keeps running), and cannot record SIGKILL.
   */
  private Process target(String name, boolean survivesTerm) throws IOException {
    Path term = dir.resolve(name + ".term");
    Path ready = dir.resolve(name + ".ready");
    String onTerm = "echo TERM > '" + term + "'" + (survivesTerm ? "" : "; exit 143");
    Process process =
        new ProcessBuilder(
                "bash",
                "-c",
                "trap \"" + onTerm + "\" TERM; touch '" + ready + "'; while :; do sleep 0.1; done")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    targets.add(process);
    // The trap must be in place before the document signals the process.
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(ready));
    return process;
  }

  private LocalRun kill(String faultId, String pids, String signal) throws InterruptedException {
    LocalRun run =
        runner.start(
            DOCUMENT,
            Map.of("Action", "inject", "FaultId", faultId, "ProcessIds", pids, "Signal", signal));
    assertThat(run.await(Duration.ofSeconds(30))).isTrue();
    return run;
  }

  private static Map<String, String> resultFor(LocalRun run, long pid) {
    return ResultLine.parseAll(run.output()).stream()
        .filter(l -> l.get("pid").equals(java.util.Optional.of(Long.toString(pid))))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no result for pid " + pid + ":\n" + run.output()))
        .fields();
  }

  @Test
  void terminatesWithSigtermWhichTheProcessCanHandle() throws Exception {
    Process target = target("graceful", false);

    LocalRun run = kill("pk-term", Long.toString(target.pid()), "TERM");

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(target.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(target.exitValue()).isEqualTo(143);
    assertThat(dir.resolve("graceful.term")).content().isEqualToIgnoringNewLines("TERM");
    assertThat(resultFor(run, target.pid()))
        .containsEntry("signal", "TERM")
        .containsEntry("outcome", "killed");
    assertThat(ResultLine.summary(run.output()).orElseThrow().outcome()).isEqualTo("ok");
  }

  @Test
  void killsWithSigkillWhichTheProcessCannotHandle() throws Exception {
    Process target = target("crash", false);

    LocalRun run = kill("pk-kill", Long.toString(target.pid()), "KILL");

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(target.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(target.exitValue()).isEqualTo(128 + 9);
    assertThat(dir.resolve("crash.term")).doesNotExist();
    assertThat(resultFor(run, target.pid()))
        .containsEntry("signal", "KILL")
        .containsEntry("outcome", "killed");
  }

  @Test
  void reportsAMissingPidAsNotFoundAndStillKillsTheOthers() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Process first = target("first", false);
    Process second = target("second", false);

    LocalRun run = kill("pk-missing", first.pid() + "," + gone.pid() + "," + second.pid(), "KILL");

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(resultFor(run, gone.pid())).containsEntry("outcome", "not-found");
    assertThat(resultFor(run, first.pid())).containsEntry("outcome", "killed");
    assertThat(resultFor(run, second.pid())).containsEntry("outcome", "killed");
    assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(second.waitFor(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void reportsAProcessThatSurvivesSigterm() throws Exception {
    Process stubborn = target("stubborn", true);

    LocalRun run = kill("pk-survive", Long.toString(stubborn.pid()), "TERM");

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(resultFor(run, stubborn.pid())).containsEntry("outcome", "survived");
    assertThat(stubborn.isAlive()).isTrue();
    assertThat(dir.resolve("stubborn.term")).content().isEqualToIgnoringNewLines("TERM");
  }

  @Test
  void rollbackLeavesKilledProcessesDeadAndSucceeds() throws Exception {
    Process target = target("rolled", false);
    kill("pk-rollback", Long.toString(target.pid()), "KILL");

    LocalRun rollback =
        runner.start(
            DOCUMENT,
            Map.of(
                "Action", "rollback", "FaultId", "pk-rollback", "ProcessIds", "" + target.pid()));

    assertThat(rollback.await(Duration.ofSeconds(30))).isTrue();
    assertThat(rollback.exitCode()).isZero();
    assertThat(rollback.output()).contains("detail=nothing-to-revert");
    assertThat(HostProcesses.isRunning(target.pid())).isFalse();
  }
}
