package io.faultline.cli.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Runs as the scheduler's {@code GET …/runs/{runId}} answers them (the fields the CLI reads). */
final class RunFixtures {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RunFixtures() {}

  /** A run of two waves (canary, wider), one fault each, the first wave running. */
  static ObjectNode aRunningRun() {
    ObjectNode run =
        JSON.createObjectNode()
            .put("tenantId", "demo")
            .put("runId", "run-1")
            .put("experimentId", "exp-1")
            .put("faultType", "ec2-process-kill")
            .put("status", "RUNNING")
            .put("currentWave", 0);
    run.putArray("waves").add(wave(0, "canary", "RUNNING")).add(wave(1, "wider", "PENDING"));
    run.putArray("faults")
        .add(fault("run-1.w0.t0", 0, "INJECTED"))
        .add(fault("run-1.w1.t0", 1, "PLANNED"));
    run.putNull("endedAt");
    return run;
  }

  /** The run ended with {@code status}, carrying {@code verdict} (null: none). */
  static ObjectNode anEndedRun(String status, String verdict) {
    ObjectNode run = aRunningRun().put("status", status).put("endedAt", "2026-12-05T20:00:00Z");
    run.put("verdict", verdict);
    return run;
  }

  static ObjectNode wave(int index, String name, String status) {
    return JSON.createObjectNode()
        .put("index", index)
        .put("name", name)
        .put("dryRun", false)
        .put("status", status);
  }

  /** A probe reading as the run's {@code readings} list holds it. */
  static ObjectNode reading(String probe, String at, boolean ok) {
    return JSON.createObjectNode()
        .put("probe", probe)
        .put("at", at)
        .put("ok", ok)
        .put("phase", "STEADY_STATE");
  }

  static ObjectNode fault(String faultId, int wave, String stage) {
    return JSON.createObjectNode()
        .put("faultId", faultId)
        .put("wave", wave)
        .put("accountId", "123456789012")
        .put("region", "eu-west-1")
        .put("stage", stage);
  }
}
