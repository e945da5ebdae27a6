package io.faultline.events.probe;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.faultline.events.ids.ExperimentId;
import io.faultline.events.ids.RunId;
import io.faultline.events.ids.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the executors watch for one run (ADR 0010): the value of the compacted topic {@code
 * faultline.run-watches.v1}, keyed by {@link #key()} ({@code <tenant id>/<run id>}). Written by the
 * scheduler when a run starts and on every phase change (each time with {@code revision} + 1);
 * tombstoned when the run ends. Read by every executor in the consumer group {@code
 * faultline-probes}: the owner of the key's partition evaluates it and publishes run events tagged
 * with the revision it evaluated.
 *
 * @param steadyState probes checked before the first wave, while baking and at the end
 * @param stopConditions probes evaluated continuously while any fault of the run is active
 * @param wave the wave the phase is about (0 before the first)
 * @param bakeUntil when a {@link WatchPhase#BAKING} phase ends; null in other phases
 * @param revision increases with every record the scheduler writes for the run
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunWatch(
    TenantId tenantId,
    RunId runId,
    ExperimentId experimentId,
    List<ProbeDefinition> steadyState,
    List<ProbeDefinition> stopConditions,
    WatchPhase phase,
    int wave,
    Instant bakeUntil,
    long revision,
    Instant updatedAt) {
  /** At most this many probes in each list. */
  public static final int MAX_PROBES = 20;

  public RunWatch {
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(experimentId, "experimentId");
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(updatedAt, "updatedAt");
    steadyState = steadyState == null ? List.of() : List.copyOf(steadyState);
    stopConditions = stopConditions == null ? List.of() : List.copyOf(stopConditions);
    if (steadyState.size() > MAX_PROBES || stopConditions.size() > MAX_PROBES) {
      throw new IllegalArgumentException("at most " + MAX_PROBES + " probes per list");
    }
    if (phase == WatchPhase.BAKING && bakeUntil == null) {
      throw new IllegalArgumentException("a BAKING watch needs bakeUntil");
    }
    if (wave < 0 || revision < 0) {
      throw new IllegalArgumentException("wave and revision are never negative");
    }
  }

  /** The Kafka key: {@code <tenant id>/<run id>}. */
  @JsonIgnore
  public String key() {
    return keyOf(tenantId, runId);
  }

  public static String keyOf(TenantId tenant, RunId run) {
    return tenant.value() + "/" + run.value();
  }

  /** The same watch in another phase, one revision on (what the scheduler writes next). */
  public RunWatch next(WatchPhase nextPhase, int nextWave, Instant nextBakeUntil, Instant at) {
    return new RunWatch(
        tenantId,
        runId,
        experimentId,
        steadyState,
        stopConditions,
        nextPhase,
        nextWave,
        nextBakeUntil,
        revision + 1,
        at);
  }
}
