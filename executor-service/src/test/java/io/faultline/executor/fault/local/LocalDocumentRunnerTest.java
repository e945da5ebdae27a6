package io.faultline.executor.fault.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.faultline.executor.fault.document.ResultLine;
import io.faultline.executor.fault.document.SsmDocument;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocalDocumentRunnerTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "$(touch MARKER)",
        "`touch MARKER`",
        "1234;touch MARKER",
        "1234\ntouch MARKER",
        "1234 && touch MARKER",
        "1234' ; touch MARKER ; '"
      })
  void neverStartsAProcessForHostileProcessIds(String template) {
    Path marker = dir.resolve("marker");
    String hostile = template.replace("MARKER", marker.toString());
    long childrenBefore = ProcessHandle.current().children().count();
    LocalDocumentRunner runner = new LocalDocumentRunner();

    assertThatThrownBy(
            () ->
                runner.start(
                    SsmDocument.forFaultType("ec2-process-kill"),
                    Map.of("Action", "inject", "FaultId", "f-hostile", "ProcessIds", hostile)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'ProcessIds'");
    assertThat(ProcessHandle.current().children().count()).isEqualTo(childrenBefore);
    assertThat(marker).doesNotExist();
  }

  @Test
  void neverStartsAProcessForAHostileInterfaceOrFaultId() {
    Path marker = dir.resolve("marker");
    LocalDocumentRunner runner = new LocalDocumentRunner();
    SsmDocument resetPeer = SsmDocument.forFaultType("ec2-http-reset-peer");

    assertThatThrownBy(
            () ->
                runner.start(
                    resetPeer,
                    Map.of(
                        "Action",
                        "inject",
                        "FaultId",
                        "f-1",
                        "NetworkInterface",
                        "eth0 && touch " + marker)))
        .hasMessageContaining("'NetworkInterface'");
    assertThatThrownBy(
            () ->
                runner.start(
                    resetPeer, Map.of("Action", "rollback", "FaultId", "x';touch " + marker)))
        .hasMessageContaining("'FaultId'");
    assertThat(marker).doesNotExist();
  }

  @Test
  void runsADocumentToCompletionAndReportsItsExitCodeAndOutput() throws Exception {
    LocalRun run =
        new LocalDocumentRunner()
            .start(
                SsmDocument.forFaultType("ec2-process-kill"),
                Map.of("Action", "rollback", "FaultId", "f-noop", "ProcessIds", "4321"));

    assertThat(run.await(Duration.ofSeconds(20))).isTrue();
    assertThat(run.isDone()).isTrue();
    assertThat(run.exitCode()).isZero();
    assertThat(ResultLine.summary(run.output()))
        .hasValueSatisfying(
            s -> {
              assertThat(s.get("action")).hasValue("rollback");
              assertThat(s.outcome()).isEqualTo("ok");
              assertThat(s.get("fault_id")).hasValue("f-noop");
            });
  }

  @Test
  void passesTheConfiguredEnvironmentToTheScript() throws Exception {
    LocalRun run =
        new LocalDocumentRunner(Map.of("FAULTLINE_STATE_DIR", "relative/state"))
            .start(
                SsmDocument.forFaultType("ecs-agent-stop"),
                Map.of("Action", "rollback", "FaultId", "f-env"));

    assertThat(run.await(Duration.ofSeconds(20))).isTrue();
    // The script refuses a relative state directory: it saw the overlaid variable.
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.output()).contains("reason=state-dir-not-absolute");
  }

  @Test
  void runsTheScriptThroughTheConfiguredLauncher() throws Exception {
    LocalRun run =
        new LocalDocumentRunner(
                Map.of("FAULTLINE_STATE_DIR", dir.toString()),
                List.of("env", "FAULTLINE_STATE_DIR=launcher/relative"))
            .start(
                SsmDocument.forFaultType("ecs-agent-stop"),
                Map.of("Action", "rollback", "FaultId", "f-launcher"));

    assertThat(run.await(Duration.ofSeconds(20))).isTrue();
    assertThat(run.output()).contains("reason=state-dir-not-absolute");
  }

  @Test
  void cancelKillsTheRunningStepsProcessGroup() throws Exception {
    Path marker = dir.resolve("started");
    LocalRun run =
        new LocalDocumentRunner(
                Map.of(),
                List.of("bash", "-c", "touch \"$0\"; sleep 30; exec \"$@\"", marker.toString()))
            .start(
                SsmDocument.forFaultType("ec2-process-kill"),
                Map.of("Action", "rollback", "FaultId", "f-slow", "ProcessIds", "4321"));
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(marker));

    assertThat(run.isDone()).isFalse();
    assertThatThrownBy(run::exitCode).isInstanceOf(IllegalStateException.class);
    run.cancel();

    assertThat(run.await(Duration.ofSeconds(10))).isTrue();
    assertThat(run.exitCode()).isEqualTo(137);
    assertThat(run.output()).doesNotContain("FAULTLINE_RESULT");
    assertThat(HostProcesses.pidsWithCommandLineContaining(marker.toString())).isEmpty();
  }
}
