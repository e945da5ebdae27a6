package io.faultline.scheduler.state;

import java.util.Map;

/**
 * One step of an experiment's rollout: a name, whether it is a dry run, and tunables that override
 * the experiment's for this wave (e.g. {@code INSTANCE_AFFECTED_PERC=25}). Each wave requests one
 * fault per target; the next wave starts only when every fault of this one completed.
 */
public record Wave(String name, boolean dryRun, Map<String, String> parameters) {
  public Wave {
    parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
  }
}
