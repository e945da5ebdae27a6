package io.faultline.scheduler.experiments;

import io.faultline.events.catalogue.FaultCatalogue;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.AwsRegion;
import io.faultline.events.ids.FaultType;
import io.faultline.events.validation.ContractViolationException;
import io.faultline.events.validation.Violation;
import io.faultline.scheduler.state.StopCondition;
import io.faultline.scheduler.state.Target;
import io.faultline.scheduler.state.Wave;
import io.faultline.scheduler.web.Violations;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The body of an experiment create/replace.
 *
 * @param parameters the fault type's tunables (strings, numbers or booleans)
 * @param waves optional; default one wave with the experiment's tunables. Each wave's {@code
 *     parameters} override the experiment's for that wave.
 */
record ExperimentRequest(
    String name,
    String faultType,
    Map<String, Object> parameters,
    String hypothesis,
    List<StopConditionRequest> stopConditions,
    List<TargetRequest> targets,
    List<WaveRequest> waves) {

  record StopConditionRequest(String kind, String value) {}

  record TargetRequest(String accountId, String region) {}

  record WaveRequest(String name, Boolean dryRun, Map<String, Object> parameters) {}

  static final String NAME = "^[^\\p{Cntrl}]{1,200}$";
  static final String STOP_KIND = "^[a-z][a-z0-9-]{0,63}$";

  /** Keeps a run's record (its faults and waves) well below Kafka's record size limit. */
  static final int MAX_FAULTS_PER_RUN = 500;

  /** The validated parts, with canonical tunables; throws naming every invalid field. */
  Validated validate() {
    Violations v = new Violations();
    v.text("name", name, NAME, true);
    if (v.required("hypothesis", hypothesis)) {
      if (hypothesis.isBlank()) {
        v.add("hypothesis", "required", "state the hypothesis in words");
      }
      v.maxLength("hypothesis", hypothesis, 2000);
    }
    boolean typeOk = v.text("faultType", faultType, FaultType.PATTERN, true);
    Map<String, String> canonical = Map.of();
    if (typeOk) {
      FaultType type = FaultType.of(faultType);
      if (FaultCatalogue.standard().find(type).isEmpty()) {
        v.add(
            "faultType",
            "knownFaultType",
            "unknown fault type; known: "
                + FaultCatalogue.standard().types().stream()
                    .map(FaultType::value)
                    .sorted()
                    .toList());
      } else {
        canonical = tunables(type, parameters, "parameters", v);
      }
    }
    List<StopCondition> stops = new ArrayList<>();
    if (stopConditions != null) {
      for (int i = 0; i < stopConditions.size(); i++) {
        StopConditionRequest s = stopConditions.get(i);
        String at = "stopConditions[" + i + "]";
        if (v.required(at, s)) {
          v.text(at + ".kind", s.kind(), STOP_KIND, true);
          v.text(at + ".value", s.value(), "^[^\\p{Cntrl}]{1,512}$", true);
          stops.add(new StopCondition(s.kind(), s.value()));
        }
      }
    }
    List<Target> validTargets = new ArrayList<>();
    if (v.required("targets", targets)) {
      if (targets.isEmpty()) {
        v.add("targets", "minItems", "at least one target (accountId, region) is required");
      }
      if (targets.size() > 100) {
        v.add("targets", "maxItems", "at most 100 targets");
      }
      for (int i = 0; i < targets.size(); i++) {
        TargetRequest t = targets.get(i);
        String at = "targets[" + i + "]";
        if (v.required(at, t)) {
          boolean ok = v.text(at + ".accountId", t.accountId(), AccountId.PATTERN, true);
          ok &= v.text(at + ".region", t.region(), AwsRegion.PATTERN, true);
          if (ok) {
            validTargets.add(new Target(t.accountId(), t.region()));
          }
        }
      }
    }
    List<Wave> validWaves = new ArrayList<>();
    if (waves != null) {
      if (waves.size() > 20) {
        v.add("waves", "maxItems", "at most 20 waves");
      }
      for (int i = 0; i < waves.size(); i++) {
        WaveRequest w = waves.get(i);
        String at = "waves[" + i + "]";
        if (!v.required(at, w)) {
          continue;
        }
        v.text(at + ".name", w.name(), "^[A-Za-z0-9][A-Za-z0-9 ._%-]{0,63}$", true);
        Map<String, String> overrides = new LinkedHashMap<>();
        if (w.parameters() != null) {
          w.parameters().forEach((k, value) -> overrides.put(k, String.valueOf(value)));
        }
        if (typeOk && FaultCatalogue.standard().find(FaultType.of(faultType)).isPresent()) {
          Map<String, Object> merged = new LinkedHashMap<>(canonical);
          if (w.parameters() != null) {
            merged.putAll(w.parameters());
          }
          tunables(FaultType.of(faultType), merged, at + ".parameters", v);
        }
        validWaves.add(new Wave(w.name(), Boolean.TRUE.equals(w.dryRun()), overrides));
      }
    }
    int faults = validTargets.size() * Math.max(1, validWaves.size());
    if (faults > MAX_FAULTS_PER_RUN) {
      v.add(
          "targets",
          "maxFaultsPerRun",
          "targets × waves is "
              + faults
              + "; a run may have at most "
              + MAX_FAULTS_PER_RUN
              + " faults");
    }
    v.throwIfAny();
    return new Validated(canonical, stops, validTargets, validWaves);
  }

  private static Map<String, String> tunables(
      FaultType type, Map<String, ?> raw, String field, Violations v) {
    try {
      return FaultCatalogue.standard().validate(type, raw == null ? Map.of() : raw).asMap();
    } catch (ContractViolationException e) {
      for (Violation x : e.violations()) {
        String path = x.path().startsWith("$.parameters") ? field + x.path().substring(12) : field;
        v.add(path, x.rule(), x.message());
      }
      return Map.of();
    }
  }

  record Validated(
      Map<String, String> parameters,
      List<StopCondition> stopConditions,
      List<Target> targets,
      List<Wave> waves) {}
}
