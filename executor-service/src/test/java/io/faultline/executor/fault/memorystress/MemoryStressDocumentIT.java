package io.faultline.executor.fault.memorystress;

import static io.faultline.executor.fault.local.StressHost.finished;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.faultline.executor.fault.document.ResultLine;
import io.faultline.executor.fault.document.SsmDocument;
import io.faultline.executor.fault.local.LocalRun;
import io.faultline.executor.fault.local.StressHost;
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
 * Runs the real ec2-memory-stress document with the real stress-ng inside a cgroup of its own (256
 * MiB, 20 % of one core): the document sizes the stress from the cgroup's limit, and the cgroup's
 * own memory counters measure it.
 */
class MemoryStressDocumentIT {
  private static final SsmDocument DOCUMENT = SsmDocument.forFaultType("ec2-memory-stress");
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final long LIMIT = 256L << 20;
  private static final long MIB = 1L << 20;
  // 20 % of 256 MiB, shared by 2 workers: 52428 KiB.
  private static final long STRESS = LIMIT / 5;

  @TempDir Path dir;
  private StressHost host;

  @BeforeEach
  void createHost() {
    host = new StressHost(dir, 20, LIMIT);
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
    values.put("MemoryPercentage", "20");
    values.put("Workers", "2");
    values.put("InstallDependencies", "false");
    return values;
  }

  private LocalRun run(String action, String faultId, String duration) {
    return host.start(DOCUMENT, parameters(action, faultId, duration));
  }

  /** The group holds (nearly) the stress's share of memory, and never reached its limit. */
  private void assertMemoryIsHeld() {
    await().atMost(WAIT).until(() -> host.cgroup.memoryUsageBytes() >= STRESS - 4 * MIB);
    assertThat(host.cgroup.memoryMaxUsageBytes()).isLessThan(LIMIT - 32 * MIB);
  }

  /**
   * The stress's memory is given back. Anonymous memory only: the page cache charged to the group
   * (stress-ng's binary and libraries, read from disk for the first time by a process of this group
   * on a fresh machine) stays after the stressor ends, and failed this check once in CI.
   */
  private void assertMemoryIsFreed() {
    await().atMost(WAIT).until(() -> host.cgroup.memoryAnonymousBytes() < STRESS / 4);
  }

  @Test
  void holdsItsShareOfTheMemoryLimitAndRollbackFreesIt() throws Exception {
    LocalRun inject = finished(run("inject", "mem-rollback", "60"));
    assertThat(inject.exitCode()).as(inject.output()).isZero();
    assertThat(inject.output())
        .contains("deadman=armed mode=setsid")
        .contains("workers=2 total_kb=262144 stress_kb=52428 timeout=60");
    assertMemoryIsHeld();

    LocalRun rollback = finished(run("rollback", "mem-rollback", "60"));

    assertThat(rollback.exitCode()).as(rollback.output()).isZero();
    assertThat(rollback.output())
        .contains("stressor=absent stopped=1 outcome=reverted by=rollback");
    assertThat(ResultLine.summary(rollback.output()).orElseThrow().outcome()).isEqualTo("ok");
    await().atMost(WAIT).until(() -> host.nothingLeft("mem-rollback"));
    assertMemoryIsFreed();
  }

  @Test
  void deadManFreesTheMemoryOfAStressorThatOutlivesItsTimeout() throws Exception {
    host.wrapStressNg(0, true);
    LocalRun inject = finished(run("inject", "mem-deadman", "2"));
    assertThat(inject.exitCode()).as(inject.output()).isZero();
    assertMemoryIsHeld();

    // The executor "died": nobody sends Action=rollback; the stressor ignores its timeout.
    await().atMost(WAIT).until(() -> host.nothingLeft("mem-deadman"));

    assertThat(host.deadManLog()).contains("stopped=1 outcome=reverted by=deadman");
    assertMemoryIsFreed();
  }

  @Test
  void deadManStopsTheStressorOfARunKilledMidwayThroughInjecting() throws Exception {
    // The stressor comes up 2 s after it is started, and only a revert can stop it.
    host.wrapStressNg(2, true);
    LocalRun inject = run("inject", "mem-killed", "4");
    await()
        .atMost(WAIT)
        .until(
            () ->
                inject.output().contains("deadman=armed")
                    && !host.stressors("mem-killed").isEmpty()
                    && Files.exists(dir.resolve("state/mem-killed/stressor.sid")));

    inject.cancel();

    assertThat(inject.await(Duration.ofSeconds(10))).isTrue();
    assertThat(inject.exitCode()).isEqualTo(137);
    assertThat(ResultLine.summary(inject.output())).isEmpty();
    assertMemoryIsHeld();
    await().atMost(WAIT).until(() -> host.nothingLeft("mem-killed"));
    assertThat(host.deadManLog()).contains("stopped=1 outcome=reverted by=deadman");
    assertMemoryIsFreed();
  }

  @Test
  void failsClearlyWithoutChangingAnythingWhenStressNgIsMissing() throws Exception {
    host.withoutStressNg(false, null);

    LocalRun inject = finished(run("inject", "mem-nodeps", "30"));

    assertThat(inject.exitCode()).isEqualTo(1);
    assertThat(ResultLine.summary(inject.output()).orElseThrow().fields())
        .containsEntry("outcome", "failed")
        .containsEntry("reason", "missing-dependency")
        .containsEntry("missing", "stress-ng");
    assertThat(host.nothingLeft("mem-nodeps")).isTrue();
  }

  @Test
  void refusesPercentagesAndWorkerCountsOutsideTheirBoundsBeforeRunningAnything() {
    for (Map.Entry<String, List<String>> bad :
        Map.of(
                "MemoryPercentage", List.of("0", "91", "100", "50;reboot", ""),
                "Workers", List.of("0", "17", "$(reboot)", " 1"))
            .entrySet()) {
      for (String value : bad.getValue()) {
        Map<String, String> values = parameters("inject", "mem-bad", "30");
        values.put(bad.getKey(), value);
        assertThatThrownBy(() -> host.start(DOCUMENT, values))
            .as("%s=%s", bad.getKey(), value)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(bad.getKey());
      }
    }
    assertThat(host.nothingLeft("mem-bad")).isTrue();
  }
}
