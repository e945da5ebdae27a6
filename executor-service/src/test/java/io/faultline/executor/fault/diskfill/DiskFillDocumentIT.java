package io.faultline.executor.fault.diskfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.faultline.executor.fault.document.ResultLine;
import io.faultline.executor.fault.document.SsmDocument;
import io.faultline.executor.fault.local.HostProcesses;
import io.faultline.executor.fault.local.LocalDocumentRunner;
import io.faultline.executor.fault.local.LocalRun;
import io.faultline.executor.fault.local.ScratchFilesystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Runs the real ec2-disk-fill document on this host against a 32 MiB tmpfs of its own: df must show
 * the target, then the space must come back on rollback, from the dead-man alone, and after a run
 * killed midway.
 */
class DiskFillDocumentIT {
  private static final SsmDocument DOCUMENT = SsmDocument.forFaultType("ec2-disk-fill");
  // Dead-man faults last 3 s (+1 s margin): long enough to see the fill, short enough to wait.
  private static final String DEAD_MAN_FAULT_SECONDS = "3";
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private Path stateDir;
  private ScratchFilesystem disk;
  private Map<String, String> environment;

  @BeforeEach
  void mountScratchDisk() {
    stateDir = dir.resolve("state");
    disk = ScratchFilesystem.mount(dir.resolve("disk"), 32);
    environment = new HashMap<>();
    environment.put("FAULTLINE_STATE_DIR", stateDir.toString());
    environment.put("FAULTLINE_DEADMAN_MARGIN_SECONDS", "1");
  }

  @AfterEach
  void unmount() {
    HostProcesses.killAll(stateDir.toString());
    HostProcesses.killAll(disk.path().toString());
    disk.close();
  }

  private Map<String, String> parameters(String action, String faultId, String duration, int pct) {
    Map<String, String> parameters = new HashMap<>();
    parameters.put("Action", action);
    parameters.put("FaultId", faultId);
    parameters.put("DurationSeconds", duration);
    parameters.put("VolumeMountPath", disk.path().toString());
    parameters.put("UtilizationPercent", Integer.toString(pct));
    parameters.put("InstallDependencies", "false");
    return parameters;
  }

  private LocalRun start(String action, String faultId, String duration, int pct) {
    return new LocalDocumentRunner(environment)
        .start(DOCUMENT, parameters(action, faultId, duration, pct));
  }

  private static LocalRun finished(LocalRun run) throws InterruptedException {
    assertThat(run.await(Duration.ofSeconds(60))).isTrue();
    return run;
  }

  private List<Path> fillFiles() throws IOException {
    try (Stream<Path> files = Files.list(disk.path())) {
      return files
          .filter(f -> f.getFileName().toString().startsWith("faultline-disk-fill-"))
          .toList();
    }
  }

  /** No fill file, no dead-man, no state of the fault remains, and df is back to {@code pct}. */
  private boolean nothingLeft(String faultId, int pct) throws IOException {
    return fillFiles().isEmpty()
        && HostProcesses.pidsWithCommandLineContaining(stateDir.resolve(faultId) + "/").isEmpty()
        && Files.notExists(stateDir.resolve(faultId))
        && disk.usage().usedPercent() == pct;
  }

  @Test
  void fillsTheFilesystemToTheTargetAndRollbackGivesTheSpaceBack() throws Exception {
    disk.write("app.log", 4); // 13% used by "the application"
    int before = disk.usage().usedPercent();

    LocalRun inject = finished(start("inject", "fill-rollback", "60", 70));

    assertThat(inject.exitCode()).as(inject.output()).isZero();
    assertThat(inject.output())
        .contains("deadman=armed", "method=fallocate", "used_percent=70", "outcome=injected");
    assertThat(disk.usage().usedPercent()).isEqualTo(70);
    assertThat(fillFiles()).hasSize(1);

    LocalRun rollback = finished(start("rollback", "fill-rollback", "60", 70));

    assertThat(rollback.exitCode()).as(rollback.output()).isZero();
    assertThat(rollback.output()).contains("file_state=absent space=returned", "outcome=reverted");
    assertThat(ResultLine.summary(rollback.output()).orElseThrow().outcome()).isEqualTo("ok");
    assertThat(nothingLeft("fill-rollback", before)).isTrue();
    assertThat(disk.path().resolve("app.log")).exists();
  }

  @Test
  void writesNothingWhenTheFilesystemIsAlreadyAboveTheTarget() throws Exception {
    disk.write("big.dat", 20); // 63%
    int before = disk.usage().usedPercent();

    LocalRun inject = finished(start("inject", "fill-full", "60", 50));

    assertThat(inject.exitCode()).as(inject.output()).isZero();
    assertThat(inject.output())
        .contains("used_percent=" + before, "outcome=not-needed", "detail=already-above-target");
    assertThat(nothingLeft("fill-full", before)).isTrue();
    assertThat(finished(start("rollback", "fill-full", "60", 50)).exitCode()).isZero();
  }

  @Test
  void deadManDeletesTheFileWhenNoRollbackArrives() throws Exception {
    LocalRun inject = finished(start("inject", "fill-deadman", DEAD_MAN_FAULT_SECONDS, 60));
    assertThat(inject.exitCode()).as(inject.output()).isZero();
    assertThat(disk.usage().usedPercent()).isEqualTo(60);

    // The executor "died": nobody sends Action=rollback.
    await().atMost(WAIT).until(() -> nothingLeft("fill-deadman", 0));

    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(Files.readString(stateDir.resolve("deadman.log")))
                    .contains("space=returned", "outcome=reverted by=deadman"));
  }

  @Test
  void deadManCleansUpWhenTheRunIsKilledMidwayThroughFilling() throws Exception {
    Path slow = HostProcesses.installExecutable("/diskfill/fallocate", dir.resolve("slow"));
    environment.put("PATH", slow.getParent() + ":" + System.getenv("PATH"));
    LocalRun inject = start("inject", "fill-killed", DEAD_MAN_FAULT_SECONDS, 80);
    // The file is allocated, the run hangs before verifying it.
    await().atMost(Duration.ofSeconds(20)).until(() -> disk.usage().usedPercent() == 80);

    inject.cancel();

    assertThat(inject.await(Duration.ofSeconds(10))).isTrue();
    assertThat(inject.exitCode()).isEqualTo(137);
    assertThat(ResultLine.summary(inject.output())).isEmpty();
    assertThat(fillFiles()).hasSize(1);
    await().atMost(WAIT).until(() -> nothingLeft("fill-killed", 0));
  }

  @Test
  void writesWithDdWhenFallocateIsMissing() throws Exception {
    Path bin = Files.createDirectories(dir.resolve("no-fallocate"));
    for (String tool :
        List.of(
            "bash",
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
            "df",
            "du",
            "dd",
            "tail",
            "stat")) {
      String path = HostProcesses.runOk("bash", "-c", "command -v \"$1\"", "resolve", tool).strip();
      Files.createSymbolicLink(bin.resolve(tool), Path.of(path));
    }
    environment.put("PATH", bin.toString());

    LocalRun inject = finished(start("inject", "fill-dd", "60", 50));

    assertThat(inject.exitCode()).as(inject.output()).isZero();
    assertThat(inject.output()).contains("method=dd", "used_percent=50", "outcome=injected");
    assertThat(disk.usage().usedPercent()).isEqualTo(50);
    assertThat(finished(start("rollback", "fill-dd", "60", 50)).exitCode()).isZero();
    assertThat(nothingLeft("fill-dd", 0)).isTrue();
  }

  @Test
  void rollbackWithoutInjectionSucceedsAndIsIdempotent() throws Exception {
    for (int i = 0; i < 2; i++) {
      LocalRun rollback = finished(start("rollback", "fill-never", "30", 80));
      assertThat(rollback.exitCode()).as(rollback.output()).isZero();
      assertThat(rollback.output()).contains("outcome=reverted");
    }
    assertThat(nothingLeft("fill-never", 0)).isTrue();
  }

  @Test
  void failsClearlyOnADirectoryThatDoesNotExist() throws Exception {
    Map<String, String> values = parameters("inject", "fill-nodir", "30", 80);
    values.put("VolumeMountPath", disk.path() + "/missing");

    LocalRun inject = finished(new LocalDocumentRunner(environment).start(DOCUMENT, values));

    assertThat(inject.exitCode()).isEqualTo(1);
    assertThat(ResultLine.summary(inject.output()).orElseThrow().fields())
        .containsEntry("reason", "no-such-directory");
    assertThat(nothingLeft("fill-nodir", 0)).isTrue();
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "UtilizationPercent|96",
        "UtilizationPercent|0",
        "UtilizationPercent|100",
        "VolumeMountPath|tmp",
        "VolumeMountPath|/tmp/../etc",
        "VolumeMountPath|/tmp/..",
        "VolumeMountPath|/tmp/a b",
        "VolumeMountPath|/tmp/$(reboot)",
        "VolumeMountPath|/tmp/x;reboot",
        "VolumeMountPath|/tmp/'x'",
        "VolumeMountPath|/tmp/",
      })
  void refusesBadParametersBeforeAnythingRuns(String name, String value) throws Exception {
    Map<String, String> values = parameters("inject", "fill-bad", "30", 80);
    values.put(name, value);

    assertThatThrownBy(() -> new LocalDocumentRunner(environment).start(DOCUMENT, values))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + name + "'");
    assertThat(nothingLeft("fill-bad", 0)).isTrue();
  }
}
