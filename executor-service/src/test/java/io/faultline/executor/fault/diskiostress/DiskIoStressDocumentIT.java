package io.faultline.executor.fault.diskiostress;

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
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Runs the real ec2-disk-io-stress document, and so real stress-ng, on this host against a 32 MiB
 * tmpfs of its own, inside a cgroup of its own (a quarter of a CPU): bytes written by the cgroup's
 * processes prove the IO, an empty cgroup and scratch folder prove nothing is left.
 */
class DiskIoStressDocumentIT {
  private static final SsmDocument DOCUMENT = SsmDocument.forFaultType("ec2-disk-io-stress");
  private static final String DEAD_MAN_FAULT_SECONDS = "3";
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final long MIB = 1L << 20;

  @TempDir Path dir;
  private Path stateDir;
  private ScratchFilesystem disk;
  private StressCgroup cgroup;
  private Map<String, String> environment;

  @BeforeEach
  void createHost() {
    stateDir = dir.resolve("state");
    disk = ScratchFilesystem.mount(dir.resolve("disk"), 32);
    cgroup = new StressCgroup("faultline-disk-io-" + UUID.randomUUID());
    environment = new HashMap<>();
    environment.put("FAULTLINE_STATE_DIR", stateDir.toString());
    environment.put("FAULTLINE_DEADMAN_MARGIN_SECONDS", "1");
  }

  @AfterEach
  void destroyHost() {
    cgroup.close();
    disk.close();
  }

  private Map<String, String> parameters(String action, String faultId, String duration) {
    Map<String, String> parameters = new HashMap<>();
    parameters.put("Action", action);
    parameters.put("FaultId", faultId);
    parameters.put("DurationSeconds", duration);
    parameters.put("VolumeMountPath", disk.path().toString());
    parameters.put("Workers", "2");
    parameters.put("MibPerWorker", "1");
    parameters.put("InstallDependencies", "false");
    return parameters;
  }

  private LocalRun start(Map<String, String> parameters) {
    return new LocalDocumentRunner(environment, cgroup.launcher()).start(DOCUMENT, parameters);
  }

  private LocalRun start(String action, String faultId, String duration) {
    return start(parameters(action, faultId, duration));
  }

  private static LocalRun finished(LocalRun run) throws InterruptedException {
    assertThat(run.await(Duration.ofSeconds(60))).isTrue();
    return run;
  }

  private List<Path> scratch() throws IOException {
    try (Stream<Path> files = Files.list(disk.path())) {
      return files.toList();
    }
  }

  /** No process in the cgroup (stressor, dead-man), no scratch folder, no state remains. */
  private boolean nothingLeft(String faultId) throws IOException {
    return cgroup.pids().isEmpty()
        && scratch().isEmpty()
        && Files.notExists(stateDir.resolve(faultId))
        && disk.usage().usedKib() == 0;
  }

  @Test
  void stressesTheFilesystemAndRollbackStopsEveryWorker() throws Exception {
    LocalRun inject = finished(start("inject", "io-rollback", "60"));

    assertThat(inject.exitCode()).as(inject.output()).isZero();
    assertThat(inject.output()).contains("deadman=armed", "workers=2", "outcome=injected");
    assertThat(scratch()).singleElement().asString().contains("faultline-disk-io-");
    // stress-ng writes and reads its 1 MiB per worker over and over: many MiB go through.
    await().atMost(WAIT).until(() -> cgroup.bytesWritten() > 16 * MIB);

    // Outside the cgroup, as on a host: inside, the workers would starve it of the cgroup's CPU.
    LocalRun rollback =
        finished(
            new LocalDocumentRunner(environment)
                .start(DOCUMENT, parameters("rollback", "io-rollback", "60")));

    assertThat(rollback.exitCode()).as(rollback.output()).isZero();
    assertThat(rollback.output())
        .contains("stressor=absent scratch_state=absent outcome=reverted by=rollback");
    assertThat(ResultLine.summary(rollback.output()).orElseThrow().outcome()).isEqualTo("ok");
    await().atMost(Duration.ofSeconds(5)).until(() -> nothingLeft("io-rollback"));
  }

  @Test
  void deadManStopsTheStressAndRemovesTheScratchWhenNoRollbackArrives() throws Exception {
    LocalRun inject = finished(start("inject", "io-deadman", DEAD_MAN_FAULT_SECONDS));
    assertThat(inject.exitCode()).as(inject.output()).isZero();

    // The executor "died": nobody sends Action=rollback.
    await().atMost(WAIT).until(() -> nothingLeft("io-deadman"));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(Files.readString(stateDir.resolve("deadman.log")))
                    .contains("outcome=reverted by=deadman"));
  }

  @Test
  void deadManCleansUpWhenTheRunIsKilledAfterStartingTheStressor() throws Exception {
    Path slow = HostProcesses.installExecutable("/diskiostress/wc", dir.resolve("slow"));
    environment.put("PATH", slow.getParent() + ":" + System.getenv("PATH"));
    LocalRun inject = start("inject", "io-killed", DEAD_MAN_FAULT_SECONDS);
    // The stressor writes; the run hangs before verifying it.
    await().atMost(WAIT).until(() -> cgroup.bytesWritten() > MIB);

    inject.cancel();

    assertThat(inject.await(Duration.ofSeconds(10))).isTrue();
    assertThat(inject.exitCode()).isEqualTo(137);
    assertThat(ResultLine.summary(inject.output())).isEmpty();
    await().atMost(WAIT).until(() -> nothingLeft("io-killed"));
  }

  @Test
  void refusesScratchDataThatWouldTakeTheFilesystemBeyond95Percent() throws Exception {
    Map<String, String> values = parameters("inject", "io-full", "30");
    values.put("Workers", "4");
    values.put("MibPerWorker", "8");

    LocalRun inject = finished(start(values));

    assertThat(inject.exitCode()).isEqualTo(1);
    assertThat(ResultLine.summary(inject.output()).orElseThrow().fields())
        .containsEntry("reason", "insufficient-space")
        .containsEntry("need_kib", Integer.toString(32 * 1024));
    assertThat(nothingLeft("io-full")).isTrue();
  }

  @Test
  void rollbackWithoutInjectionSucceedsAndIsIdempotent() throws Exception {
    for (int i = 0; i < 2; i++) {
      LocalRun rollback = finished(start("rollback", "io-never", "30"));
      assertThat(rollback.exitCode()).as(rollback.output()).isZero();
      assertThat(rollback.output()).contains("outcome=reverted");
    }
    assertThat(nothingLeft("io-never")).isTrue();
  }

  /** A directory with the tools the script needs, but no stress-ng. */
  private Path binWithoutStressNg() throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bare-bin"));
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
            "tail",
            "find",
            "sort",
            "grep",
            "wc",
            "dirname",
            "ln")) {
      String path = HostProcesses.runOk("bash", "-c", "command -v \"$1\"", "resolve", tool).strip();
      Files.createSymbolicLink(bin.resolve(tool), Path.of(path));
    }
    return bin;
  }

  @Test
  void failsClearlyWithoutChangingAnythingWhenStressNgIsMissing() throws Exception {
    environment.put("PATH", binWithoutStressNg().toString());

    LocalRun inject = finished(start("inject", "io-nodeps", "30"));

    assertThat(inject.exitCode()).isEqualTo(1);
    assertThat(ResultLine.summary(inject.output()).orElseThrow().fields())
        .containsEntry("reason", "missing-dependency")
        .containsEntry("missing", "stress-ng");
    assertThat(nothingLeft("io-nodeps")).isTrue();
  }

  @Test
  void installsStressNgThroughTheProxyWhenAllowed() throws Exception {
    Path bin = binWithoutStressNg();
    HostProcesses.installExecutable("/diskiostress/apt-get", bin);
    Path aptLog = dir.resolve("apt.log");
    environment.put("PATH", bin.toString());
    environment.put("FAKE_APT_LOG", aptLog.toString());
    environment.put(
        "FAKE_APT_STRESS_NG", HostProcesses.runOk("bash", "-c", "command -v stress-ng").strip());
    Map<String, String> values = parameters("inject", "io-install", DEAD_MAN_FAULT_SECONDS);
    values.put("InstallDependencies", "true");
    values.put("Proxy", "https_proxy=http://proxy.example:3128");

    LocalRun inject = finished(start(values));

    assertThat(inject.exitCode()).as(inject.output()).isZero();
    assertThat(inject.output()).contains("dependencies=installed packages=stress-ng");
    assertThat(Files.readAllLines(aptLog))
        .contains(
            "apt-get update -qq http_proxy= https_proxy=http://proxy.example:3128",
            "apt-get install -y -qq stress-ng http_proxy= https_proxy=http://proxy.example:3128");
    await().atMost(WAIT).until(() -> nothingLeft("io-install"));
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Workers|0",
        "Workers|17",
        "Workers|2;reboot",
        "MibPerWorker|0",
        "MibPerWorker|4097",
        "MibPerWorker|1m",
        "VolumeMountPath|/tmp/../etc",
        "VolumeMountPath|/tmp/.hidden",
        "VolumeMountPath|/tmp/a b",
        "VolumeMountPath|relative",
      })
  void refusesBadParametersBeforeAnythingRuns(String name, String value) throws Exception {
    Map<String, String> values = parameters("inject", "io-bad", "30");
    values.put(name, value);

    assertThatThrownBy(() -> start(values))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + name + "'");
    assertThat(nothingLeft("io-bad")).isTrue();
  }

  static {
    // Fail fast with a clear message instead of obscure errors if a tool the test needs is absent.
    if (HostProcesses.run(List.of("bash", "-c", "command -v stress-ng")).exitCode() != 0) {
      throw new IllegalStateException(
          "stress-ng is required by " + DiskIoStressDocumentIT.class + " (.ci/run installs it)");
    }
  }
}
