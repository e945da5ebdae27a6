package io.faultline.scheduler.experiments;

import io.faultline.events.catalogue.FaultCatalogue;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.AwsRegion;
import io.faultline.events.ids.FaultType;
import io.faultline.events.probe.ProbeDefinition;
import io.faultline.events.validation.ContractViolationException;
import io.faultline.events.validation.Violation;
import io.faultline.scheduler.state.Target;
import io.faultline.scheduler.state.Wave;
import io.faultline.scheduler.web.Violations;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The body of an experiment create/replace.
 *
 * @param parameters the fault type's tunables (strings, numbers or booleans)
 * @param steadyState probe definitions (JSON objects, {@code type} names the kind) checked before
 *     the first wave, while each wave bakes and after the last one
 * @param stopConditions probe definitions evaluated while any fault of a run is active
 * @param bakeSeconds 0..3600 (default 0): how long the probes must hold after a wave's faults
 *     completed before the next wave starts; needs at least one probe
 * @param waves optional; default one wave with the experiment's tunables. Each wave's {@code
 *     parameters} override the experiment's for that wave, its {@code bakeSeconds} the
 *     experiment's.
 */
record ExperimentRequest(
    String name,
    String faultType,
    Map<String, Object> parameters,
    String hypothesis,
    @Schema(description = STEADY_STATE) List<Object> steadyState,
    @Schema(description = STOP_CONDITIONS) List<Object> stopConditions,
    @Schema(description = BAKE, minimum = "0", maximum = "3600", defaultValue = "0")
        Integer bakeSeconds,
    List<TargetRequest> targets,
    List<WaveRequest> waves) {

  record TargetRequest(String accountId, String region) {}

  record WaveRequest(
      String name,
      Boolean dryRun,
      Map<String, Object> parameters,
      @Schema(
              description = "this wave's bake, overriding the experiment's",
              minimum = "0",
              maximum = "3600")
          Integer bakeSeconds) {}

  static final String PROBES =
      " (at most 10): flat JSON objects with type cloudwatch-alarm, cloudwatch-metric, http or"
          + " promql, e.g. {\"name\":\"errors\",\"type\":\"cloudwatch-alarm\","
          + "\"alarmName\":\"api-5xx\",\"accountId\":\"123456789012\",\"region\":\"eu-west-1\"};"
          + " validated by the contract's probe catalogue. CloudWatch probes may only name an"
          + " account registered to the tenant.";
  static final String STEADY_STATE =
      "Probes that must hold before the first wave (else the run is refused, NOT_STEADY), while"
          + " each wave bakes and after the last wave (the verdict)"
          + PROBES;
  static final String STOP_CONDITIONS =
      "Probes evaluated while any fault of a run is active; a breach aborts the run" + PROBES;
  static final String BAKE =
      "Seconds the probes must hold after a wave's faults completed before the next wave"
          + " starts; needs at least one probe";

  static final String NAME = "^[^\\p{Cntrl}]{1,200}$";

  /** Keeps a run's record (its faults and waves) well below Kafka's record size limit. */
  static final int MAX_FAULTS_PER_RUN = 500;

  /**
   * The validated parts, with canonical tunables and probes; throws naming every invalid field.
   *
   * @param registeredAccounts the accounts registered to the tenant: the only ones its CloudWatch
   *     probes may read (asked only when a probe names an account)
   */
  Validated validate(String tenantId, Supplier<Set<String>> registeredAccounts) {
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
    ProbeRequests probes = new ProbeRequests(tenantId, registeredAccounts);
    List<ProbeDefinition> steady = probes.validate("steadyState", steadyState, v);
    List<ProbeDefinition> stops = probes.validate("stopConditions", stopConditions, v);
    boolean watched = !steady.isEmpty() || !stops.isEmpty();
    if (ProbeRequests.bakeSeconds("bakeSeconds", bakeSeconds, v)
        && bakeSeconds != null
        && bakeSeconds > 0
        && !watched) {
      v.add("bakeSeconds", "requiresProbes", BAKE_NEEDS_PROBES);
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
        if (ProbeRequests.bakeSeconds(at + ".bakeSeconds", w.bakeSeconds(), v)
            && w.bakeSeconds() != null
            && w.bakeSeconds() > 0
            && !watched) {
          v.add(at + ".bakeSeconds", "requiresProbes", BAKE_NEEDS_PROBES);
        }
        validWaves.add(
            new Wave(w.name(), Boolean.TRUE.equals(w.dryRun()), overrides, w.bakeSeconds()));
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
    return new Validated(
        canonical, steady, stops, bakeSeconds == null ? 0 : bakeSeconds, validTargets, validWaves);
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

  private static final String BAKE_NEEDS_PROBES =
      "a bake needs probes to judge it: add steadyState or stopConditions, or set 0";

  record Validated(
      Map<String, String> parameters,
      List<ProbeDefinition> steadyState,
      List<ProbeDefinition> stopConditions,
      int bakeSeconds,
      List<Target> targets,
      List<Wave> waves) {}
}
