package io.faultline.cli.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Turns successive snapshots of a run (the scheduler's run JSON) into what changed since the last
 * one: the run's status, its watch's phase, each wave's status, each fault's stage, each new probe
 * reading. Polling can miss a short-lived stage; it never reports one twice.
 */
public final class RunProgress {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One change, for people ({@code text}) and for programs ({@code json}). */
  public record Change(String text, ObjectNode json) {}

  private String status;
  private final Map<Integer, String> waves = new HashMap<>();
  private final Map<String, String> faults = new HashMap<>();
  private final Set<String> readings = new HashSet<>();
  private String watchPhase;

  /** What changed in {@code run} since the previous call. */
  public List<Change> changes(JsonNode run) {
    List<Change> out = new ArrayList<>();
    String runId = run.path("runId").asText();
    int waveCount = run.path("waves").size();
    String newStatus = run.path("status").asText("");
    if (status == null) {
      out.add(
          change(
              "run "
                  + runId
                  + " "
                  + newStatus
                  + ": experiment "
                  + run.path("experimentId").asText()
                  + " ("
                  + run.path("faultType").asText()
                  + "), "
                  + waveCount
                  + (waveCount == 1 ? " wave, " : " waves, ")
                  + run.path("faults").size()
                  + (run.path("faults").size() == 1 ? " fault" : " faults"),
              node("run", runId).put("status", newStatus).put("waves", waveCount)));
      status = newStatus;
    }
    JsonNode watch = run.path("watch");
    if (watch.isObject()) {
      String phase = watch.path("phase").asText("");
      if (!phase.isEmpty() && !phase.equals(watchPhase)) {
        watchPhase = phase;
        String bakeUntil = watch.path("bakeUntil").asText("");
        ObjectNode json =
            node("watch", runId)
                .put("phase", phase)
                .put("revision", watch.path("revision").asLong());
        if (!bakeUntil.isEmpty()) {
          json.put("bakeUntil", bakeUntil);
        }
        out.add(
            change(
                "probes: "
                    + phase
                    + (bakeUntil.isEmpty() ? "" : " until " + bakeUntil)
                    + " (watch revision "
                    + watch.path("revision").asLong()
                    + ")",
                json));
      }
    }
    for (JsonNode wave : run.path("waves")) {
      int index = wave.path("index").asInt();
      String waveStatus = wave.path("status").asText("");
      if (!waveStatus.equals(waves.put(index, waveStatus))) {
        String name = wave.path("name").asText("");
        out.add(
            change(
                "wave "
                    + (index + 1)
                    + "/"
                    + waveCount
                    + (name.isEmpty() ? "" : " " + name)
                    + (wave.path("dryRun").asBoolean() ? " (dry run)" : "")
                    + ": "
                    + waveStatus,
                node("wave", runId)
                    .put("wave", index + 1)
                    .put("name", name)
                    .put("status", waveStatus)));
      }
    }
    for (JsonNode fault : run.path("faults")) {
      String faultId = fault.path("faultId").asText();
      String stage = fault.path("stage").asText("");
      if (!stage.equals(faults.put(faultId, stage))) {
        String reason = fault.path("reason").asText("");
        String detail = fault.path("detail").asText("");
        ObjectNode json =
            node("fault", runId)
                .put("faultId", faultId)
                .put("wave", fault.path("wave").asInt() + 1)
                .put("accountId", fault.path("accountId").asText())
                .put("region", fault.path("region").asText())
                .put("stage", stage);
        if (!reason.isEmpty()) {
          json.put("reason", reason);
        }
        if (!detail.isEmpty()) {
          json.put("detail", detail);
        }
        out.add(
            change(
                "  fault "
                    + faultId
                    + " "
                    + fault.path("accountId").asText()
                    + "/"
                    + fault.path("region").asText()
                    + ": "
                    + stage
                    + (reason.isEmpty() ? "" : " " + reason)
                    + (detail.isEmpty() ? "" : ": " + detail),
                json));
      }
    }
    for (JsonNode reading : run.path("readings")) {
      String probe = reading.path("probe").asText();
      if (readings.add(probe + "@" + reading.path("at").asText())) {
        out.add(reading(runId, probe, reading));
      }
    }
    if (!Objects.equals(status, newStatus)) {
      status = newStatus;
      String stopReason = run.path("stopReason").asText("");
      ObjectNode json = node("run", runId).put("status", newStatus);
      if (!stopReason.isEmpty()) {
        json.put("stopReason", stopReason);
      }
      out.add(
          change(
              "run " + runId + " " + newStatus + (stopReason.isEmpty() ? "" : ": " + stopReason),
              json));
    }
    return out;
  }

  private static Change reading(String runId, String probe, JsonNode reading) {
    ObjectNode json = node("reading", runId).put("probe", probe);
    StringBuilder text =
        new StringBuilder("  probe ")
            .append(probe)
            .append(reading.path("ok").asBoolean() ? ": ok" : ": NOT ok");
    for (String field :
        new String[] {"at", "phase", "ok", "value", "state", "status", "latencyMs", "error"}) {
      JsonNode value = reading.get(field);
      if (value != null && !value.isNull()) {
        json.set(field, value);
        if (!field.equals("ok") && !field.equals("at") && !field.equals("phase")) {
          text.append(' ').append(field).append('=').append(value.asText());
        }
      }
    }
    String phase = reading.path("phase").asText("");
    if (!phase.isEmpty()) {
      text.append(" (").append(phase).append(')');
    }
    return change(text.toString(), json);
  }

  private static Change change(String text, ObjectNode json) {
    return new Change(text, json);
  }

  private static ObjectNode node(String event, String runId) {
    return JSON.createObjectNode().put("event", event).put("runId", runId);
  }
}
