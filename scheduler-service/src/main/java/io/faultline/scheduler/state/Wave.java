package io.faultline.scheduler.state;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Map;

/**
 * One step of an experiment's rollout: a name, whether it is a dry run, and tunables that override
 * the experiment's for this wave (e.g. {@code INSTANCE_AFFECTED_PERC=25}). Each wave requests one
 * fault per target; the next wave starts only when every fault of this one completed (and, with a
 * bake, its probes held for the bake time).
 *
 * @param bakeSeconds this wave's bake, overriding the experiment's; null: the experiment's
 */
public record Wave(
    String name, boolean dryRun, Map<String, String> parameters, Integer bakeSeconds) {
  @JsonCreator
  public Wave {
    parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
  }

  public Wave(String name, boolean dryRun, Map<String, String> parameters) {
    this(name, dryRun, parameters, null);
  }
}
