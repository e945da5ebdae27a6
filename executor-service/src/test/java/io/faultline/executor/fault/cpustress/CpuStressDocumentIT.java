package io.faultline.executor.fault.cpustress;

import static io.faultline.executor.fault.local.StressHost.finished;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.faultline.executor.fault.document.ResultLine;
import io.faultline.executor.fault.document.SsmDocument;
import io.faultline.executor.fault.local.HostProcesses;
import io.faultline.executor.fault.local.LocalRun;
import io.faultline.executor.fault.local.StressHost;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real ec2-cpu-stress document with the real stress-ng inside a cgroup of its own (20 % of
 * one core, 256 MiB), measuring the stress by the cgroup's own CPU-time counter.
 */
class CpuStressDocumentIT {
  private static final SsmDocument DOCUMENT = SsmDocument.forFaultType("ec2-cpu-stress");
  private static final Duration WAIT = Duration.ofSeconds(20);
  // 20 % of one core gives the group 200 ms of CPU per second: 60 ms is measurable at once.
  private static final long MEASURABLE_NANOS = 60_000_000L;

  @TempDir Path dir;
  private StressHost host;

  @BeforeEach
  void createHost() {
    host = new StressHost(dir, 20, 256L << 20);
  }

  @AfterEach
  void destroyHost() {
    host.close();
  }

  private static Map<String, String> parameters(String action, String faultId, String duration) {
    Map<String, String> values = new HashMap<>();
    values.put("Action", action);
    values.put("FaultId", faultId);
    values.put("DurationSeconds", duration);
    values.put("CpuLoad", "100");
    values.put("CpuCores", "1");
    values.put("InstallDependencies", "false");
    return values;
  }

  private LocalRun run(String action, String faultId, String duration) {
    return host.start(DOCUMENT, parameters(action, faultId, duration));
  }

  /** The cgroup's CPU time grows by a measurable amount from now on. */
  private void assertCpuIsBurned() {
    long before = host.cgroup.cpuUsageNanos();
    await().atMost(WAIT).until(() -> host.cgroup.cpuUsageNanos() - before >= MEASURABLE_NANOS);
  }

  /** The cgroup's CPU time stays still for a second. */
  private void assertCpuIsIdle() {
    long[] last = {host.cgroup.cpuUsageNanos()};
    await()
        .atMost(Duration.ofSeconds(5))
        .during(Duration.ofSeconds(1))
        .until(
            () -> {
              long now = host.cgroup.cpuUsageNanos();
              boolean still = now == last[0];
              last[0] = now;
              return still;
            });
  }

  @Test
  void loadsTheCpuAndRollbackStopsExactlyItsOwnStressor() throws Exception {
    LocalRun inject = finished(run("inject", "cpu-rollback", "60"));
    assertThat(inject.exitCode()).as(inject.output()).isZero();
    assertThat(inject.output())
        .contains("deadman=armed mode=setsid", "workers=1 cpu_load=100 timeout=60");
    assertThat(host.stressors("cpu-rollback")).isNotEmpty();
    String command =
        new String(
                Files.readAllBytes(
                    Path.of("/proc", host.stressors("cpu-rollback").getFirst() + "", "cmdline")),
                StandardCharsets.UTF_8)
            .replace('\0', ' ');
    assertThat(command).contains("stress-ng --cpu 1 --cpu-load 100 --timeout 60s --temp-path");
    assertCpuIsBurned();
    // Another fault's stressor on the same host must survive this fault's rollback.
    LocalRun other = finished(run("inject", "cpu-other", "60"));
    assertThat(other.exitCode()).as(other.output()).isZero();

    LocalRun rollback = finished(run("rollback", "cpu-rollback", "60"));

    assertThat(rollback.exitCode()).as(rollback.output()).isZero();
    assertThat(rollback.output())
        .contains("stressor=absent stopped=1 outcome=reverted by=rollback");
    assertThat(ResultLine.summary(rollback.output()).orElseThrow().outcome()).isEqualTo("ok");
    assertThat(host.stressors("cpu-rollback")).isEmpty();
    assertThat(dir.resolve("state/cpu-rollback")).doesNotExist();
    assertThat(host.stressors("cpu-other")).isNotEmpty();
    assertCpuIsBurned();

    assertThat(finished(run("rollback", "cpu-other", "60")).exitCode()).isZero();
    await().atMost(WAIT).until(() -> host.nothingLeft("cpu-other"));
    assertCpuIsIdle();
    // Idempotent: a second rollback (like one on a host never injected) finds nothing, succeeds.
    LocalRun again = finished(run("rollback", "cpu-rollback", "60"));
    assertThat(again.exitCode()).as(again.output()).isZero();
    assertThat(again.output()).contains("stopped=0 outcome=reverted by=rollback");
    assertThat(host.nothingLeft("cpu-rollback")).isTrue();
  }

  @Test
  void deadManStopsAStressorThatOutlivesItsTimeoutWhenNoRollbackArrives() throws Exception {
    host.wrapStressNg(0, true);
    LocalRun inject = finished(run("inject", "cpu-deadman", "2"));
    assertThat(inject.exitCode()).as(inject.output()).isZero();
    assertCpuIsBurned();

    // The executor "died": nobody sends Action=rollback; the stressor ignores its timeout.
    await().atMost(WAIT).until(() -> host.nothingLeft("cpu-deadman"));

    assertThat(host.deadManLog()).contains("stopped=1 outcome=reverted by=deadman");
    assertCpuIsIdle();
  }

  @Test
  void deadManStopsTheStressorOfARunKilledMidwayThroughInjecting() throws Exception {
    // The stressor comes up 2 s after it is started, and only a revert can stop it.
    host.wrapStressNg(2, true);
    LocalRun inject = run("inject", "cpu-killed", "4");
    await()
        .atMost(WAIT)
        .until(
            () ->
                inject.output().contains("deadman=armed")
                    && !host.stressors("cpu-killed").isEmpty()
                    && Files.exists(dir.resolve("state/cpu-killed/stressor.sid")));

    inject.cancel();

    assertThat(inject.await(Duration.ofSeconds(10))).isTrue();
    assertThat(inject.exitCode()).isEqualTo(137);
    assertThat(ResultLine.summary(inject.output())).isEmpty();
    assertCpuIsBurned();
    await().atMost(WAIT).until(() -> host.nothingLeft("cpu-killed"));
    assertThat(host.deadManLog()).contains("stopped=1 outcome=reverted by=deadman");
    assertCpuIsIdle();
  }

  @Test
  void failsClearlyWithoutChangingAnythingWhenStressNgIsMissing() throws Exception {
    host.withoutStressNg(false, null);

    LocalRun inject = finished(run("inject", "cpu-nodeps", "30"));

    assertThat(inject.exitCode()).isEqualTo(1);
    assertThat(ResultLine.summary(inject.output()).orElseThrow().fields())
        .containsEntry("outcome", "failed")
        .containsEntry("reason", "missing-dependency")
        .containsEntry("missing", "stress-ng");
    assertThat(host.nothingLeft("cpu-nodeps")).isTrue();
  }

  @Test
  void installsStressNgThroughTheProxyAndLoadsEveryCoreWhenCoresIsZero() throws Exception {
    Path aptLog = dir.resolve("apt.log");
    host.withoutStressNg(true, aptLog);
    Map<String, String> values = parameters("inject", "cpu-install", "60");
    values.put("InstallDependencies", "true");
    values.put("Proxy", "https_proxy=http://proxy.example:3128");
    values.put("CpuCores", "0");
    values.put("CpuLoad", "50");
    String cores = HostProcesses.runOk("nproc").strip();

    LocalRun inject = finished(host.start(DOCUMENT, values));

    assertThat(inject.exitCode()).as(inject.output()).isZero();
    assertThat(inject.output())
        .contains("dependencies=installed packages=stress-ng")
        .contains("workers=" + cores + " cpu_load=50");
    assertThat(Files.readAllLines(aptLog))
        .containsExactly(
            "apt-get update -qq http_proxy= https_proxy=http://proxy.example:3128",
            "apt-get install -y -qq stress-ng http_proxy= https_proxy=http://proxy.example:3128");
    values.put("Action", "rollback");
    assertThat(finished(host.start(DOCUMENT, values)).exitCode()).isZero();
    await().atMost(WAIT).until(() -> host.nothingLeft("cpu-install"));
  }

  @Test
  void refusesLoadsAndCoreCountsOutsideTheirBoundsBeforeRunningAnything() {
    for (Map.Entry<String, String> bad :
        Map.of(
                "CpuLoad", "0",
                "CpuCores", "257")
            .entrySet()) {
      Map<String, String> values = parameters("inject", "cpu-bad", "30");
      values.put(bad.getKey(), bad.getValue());
      assertThatThrownBy(() -> host.start(DOCUMENT, values))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(bad.getKey());
    }
    for (String bad : java.util.List.of("101", "1;reboot", "$(reboot)", "", " 50")) {
      Map<String, String> values = parameters("inject", "cpu-bad", "30");
      values.put("CpuLoad", bad);
      assertThatThrownBy(() -> host.start(DOCUMENT, values))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("CpuLoad");
    }
    assertThat(host.nothingLeft("cpu-bad")).isTrue();
  }
}
