package io.faultline.executor.fault;

import java.util.List;
import java.util.Map;

/**
 * A fault's typed tunables and its symmetric action on one target. The runner owns selection,
 * sequencing, batching, holding, retries and timeouts; a spec only says which targets it wants and
 * which document call injects or rolls back one of them.
 *
 * <p>Contract: {@link #rollback} must be safe on a target that was never injected (the document
 * treats "nothing to undo" as success), because the runner always rolls back every target it may
 * have touched, also after a crash.
 */
public interface FaultSpec {
  /** Which targets the fault wants. */
  TargetSelector selector();

  /** Ramp, hold and sequencing. */
  Timing timing();

  /** The document call that injects the fault on one target. */
  DocumentCall inject(Target target, FaultContext context);

  /** The document call that undoes it on one target; idempotent. */
  DocumentCall rollback(Target target, FaultContext context);

  /**
   * Whether {@link #verify} checks the targets after rollback (e.g. the ECS agent reconnected);
   * verify returns, per target id, a failure description, empty when every target is fine.
   */
  default boolean verifies() {
    return false;
  }

  /**
   * One sentence the fault's TARGETS_RESOLVED event adds to its detail: a tunable outside what the
   * fault's documentation advises (e.g. a hold too short to be noticed). Empty for none.
   */
  default java.util.Optional<String> warning() {
    return java.util.Optional.empty();
  }

  /** As {@link #verifies()} says; called after a successful rollback. */
  default Map<String, String> verify(List<Target> targets, TargetDirectory directory) {
    return Map.of();
  }
}
