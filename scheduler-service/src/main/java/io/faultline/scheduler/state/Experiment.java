package io.faultline.scheduler.state;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.faultline.events.ids.AccountId;
import io.faultline.events.probe.CloudWatchAlarmSettings;
import io.faultline.events.probe.CloudWatchMetricSettings;
import io.faultline.events.probe.ProbeDefinition;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * An experiment template: a fault type with canonical tunables (already validated against the fault
 * catalogue), a hypothesis in words, its probes (canonical, validated by the probe catalogue), its
 * targets and waves.
 *
 * @param steadyState probes that must hold before the first wave (else the run is refused, {@code
 *     NOT_STEADY}), while each wave bakes, and after the last wave (the verdict)
 * @param stopConditions probes evaluated while any fault of a run is active; a breach aborts the
 *     run. Experiments stored before probes existed held {@code {kind, value}} entries here, never
 *     evaluated: they are dropped when read
 * @param bakeSeconds how long the probes must hold after each wave's faults completed before the
 *     next wave starts (0: no bake); a wave may override it
 */
public record Experiment(
    String tenantId,
    String experimentId,
    String name,
    String faultType,
    Map<String, String> parameters,
    String hypothesis,
    @JsonDeserialize(contentUsing = StoredProbe.class) List<ProbeDefinition> steadyState,
    @JsonDeserialize(contentUsing = StoredProbe.class) List<ProbeDefinition> stopConditions,
    List<Target> targets,
    List<Wave> waves,
    int bakeSeconds,
    Instant updatedAt,
    String updatedBy,
    String commandId) {
  @JsonCreator
  public Experiment {
    parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    steadyState = probes(steadyState);
    stopConditions = probes(stopConditions);
    targets = targets == null ? List.of() : List.copyOf(targets);
    waves = waves == null ? List.of() : List.copyOf(waves);
  }

  /** An experiment without steady state or bake (stop conditions only, if any). */
  public Experiment(
      String tenantId,
      String experimentId,
      String name,
      String faultType,
      Map<String, String> parameters,
      String hypothesis,
      List<ProbeDefinition> stopConditions,
      List<Target> targets,
      List<Wave> waves,
      Instant updatedAt,
      String updatedBy,
      String commandId) {
    this(
        tenantId,
        experimentId,
        name,
        faultType,
        parameters,
        hypothesis,
        List.of(),
        stopConditions,
        targets,
        waves,
        0,
        updatedAt,
        updatedBy,
        commandId);
  }

  private static List<ProbeDefinition> probes(List<ProbeDefinition> probes) {
    return probes == null ? List.of() : probes.stream().filter(Objects::nonNull).toList();
  }

  public String key() {
    return Keys.of(tenantId, experimentId);
  }

  /** The account a probe reads in: CloudWatch probes read through the tenant's role there. */
  public static Optional<AccountId> accountOf(ProbeDefinition probe) {
    return switch (probe.settings()) {
      case CloudWatchAlarmSettings alarm -> Optional.of(alarm.accountId());
      case CloudWatchMetricSettings metric -> Optional.of(metric.accountId());
      default -> Optional.empty();
    };
  }

  /** Every probe of it, steady state first. */
  public List<ProbeDefinition> probes() {
    return Stream.concat(steadyState.stream(), stopConditions.stream()).toList();
  }

  /** Whether a run of it is watched (it has a probe). */
  public boolean hasProbes() {
    return !steadyState.isEmpty() || !stopConditions.isEmpty();
  }
}
