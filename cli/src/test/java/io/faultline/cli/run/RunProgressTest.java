package io.faultline.cli.run;

import static io.faultline.cli.run.RunFixtures.aRunningRun;
import static io.faultline.cli.run.RunFixtures.fault;
import static io.faultline.cli.run.RunFixtures.wave;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunProgressTest {
  @Test
  void theFirstSnapshotShowsTheRunEveryWaveAndEveryFault() {
    List<String> lines = texts(new RunProgress(), aRunningRun());
    assertThat(lines)
        .containsExactly(
            "run run-1 RUNNING: experiment exp-1 (ec2-process-kill), 2 waves, 2 faults",
            "wave 1/2 canary: RUNNING",
            "wave 2/2 wider: PENDING",
            "  fault run-1.w0.t0 123456789012/eu-west-1: INJECTED",
            "  fault run-1.w1.t0 123456789012/eu-west-1: PLANNED");
  }

  @Test
  void laterSnapshotsShowOnlyWhatChanged() {
    RunProgress progress = new RunProgress();
    progress.changes(aRunningRun());
    assertThat(texts(progress, aRunningRun())).isEmpty();

    ObjectNode next = aRunningRun();
    next.putArray("waves").add(wave(0, "canary", "COMPLETED")).add(wave(1, "wider", "RUNNING"));
    next.putArray("faults")
        .add(fault("run-1.w0.t0", 0, "COMPLETED"))
        .add(
            fault("run-1.w1.t0", 1, "FAILED")
                .put("reason", "INJECT")
                .put("detail", "SSM command failed"));
    next.put("status", "FAILED").put("stopReason", "fault run-1.w1.t0 FAILED (INJECT)");

    assertThat(texts(progress, next))
        .containsExactly(
            "wave 1/2 canary: COMPLETED",
            "wave 2/2 wider: RUNNING",
            "  fault run-1.w0.t0 123456789012/eu-west-1: COMPLETED",
            "  fault run-1.w1.t0 123456789012/eu-west-1: FAILED INJECT: SSM command failed",
            "run run-1 FAILED: fault run-1.w1.t0 FAILED (INJECT)");
  }

  @Test
  void theWatchPhaseAndEachNewReadingAreShownOnce() {
    RunProgress progress = new RunProgress();
    ObjectNode run = aRunningRun();
    run.putObject("watch").put("phase", "STEADY_STATE").put("revision", 1);
    run.putArray("readings")
        .add(
            RunFixtures.reading("api-ok", "2026-12-05T20:00:00Z", true)
                .put("status", 200)
                .put("latencyMs", 12));
    assertThat(texts(progress, run))
        .contains(
            "probes: STEADY_STATE (watch revision 1)",
            "  probe api-ok: ok status=200 latencyMs=12 (STEADY_STATE)");

    ObjectNode later = aRunningRun();
    later
        .putObject("watch")
        .put("phase", "BAKING")
        .put("revision", 2)
        .put("bakeUntil", "2026-12-05T20:05:00Z");
    later
        .putArray("readings")
        .add(RunFixtures.reading("api-ok", "2026-12-05T20:00:00Z", true).put("status", 200))
        .add(
            RunFixtures.reading("api-ok", "2026-12-05T20:00:10Z", false)
                .put("error", "connect timed out"));
    assertThat(texts(progress, later))
        .containsExactly(
            "probes: BAKING until 2026-12-05T20:05:00Z (watch revision 2)",
            "  probe api-ok: NOT ok error=connect timed out (STEADY_STATE)");
  }

  @Test
  void jsonChangesNameTheirEventAndFields() {
    List<RunProgress.Change> changes = new RunProgress().changes(aRunningRun());
    assertThat(changes.get(1).json().toString())
        .isEqualTo(
            "{\"event\":\"wave\",\"runId\":\"run-1\",\"wave\":1,\"name\":\"canary\",\"status\":\"RUNNING\"}");
    assertThat(changes.get(3).json().path("stage").asText()).isEqualTo("INJECTED");
    assertThat(changes.get(3).json().path("faultId").asText()).isEqualTo("run-1.w0.t0");
  }

  private static List<String> texts(RunProgress progress, ObjectNode run) {
    return progress.changes(run).stream().map(RunProgress.Change::text).toList();
  }
}
