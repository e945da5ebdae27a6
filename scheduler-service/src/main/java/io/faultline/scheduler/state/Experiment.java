package io.faultline.scheduler.state;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An experiment template: a fault type with canonical tunables (already validated against the fault
 * catalogue), a hypothesis in words, optional stop conditions, its targets and waves.
 */
public record Experiment(
    String tenantId,
    String experimentId,
    String name,
    String faultType,
    Map<String, String> parameters,
    String hypothesis,
    List<StopCondition> stopConditions,
    List<Target> targets,
    List<Wave> waves,
    Instant updatedAt,
    String updatedBy,
    String commandId) {
  public Experiment {
    parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    stopConditions = stopConditions == null ? List.of() : List.copyOf(stopConditions);
    targets = targets == null ? List.of() : List.copyOf(targets);
    waves = waves == null ? List.of() : List.copyOf(waves);
  }

  public String key() {
    return Keys.of(tenantId, experimentId);
  }
}
