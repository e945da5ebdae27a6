package io.faultline.executor.probe;

import io.faultline.events.probe.ProbeDefinition;
import io.faultline.events.probe.ProbeReading;
import io.faultline.events.probe.RunEventKind;
import io.faultline.events.probe.RunWatch;
import io.faultline.events.probe.WatchPhase;
import io.faultline.executor.probe.WatchedProbe.Role;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The phase logic of one watch revision (ADR 0010), pure: which probes are read, and what each
 * reading decides. A probe fails once more consecutive readings fail than its tolerance allows.
 *
 * <ul>
 *   <li>{@code STEADY_STATE} / {@code FINAL_CHECK}: the steady-state probes until each passed once
 *       (then HELD) or one failed (then FAILED at once).
 *   <li>{@code RUNNING}: the stop conditions, continuously; the first that fails is the breach —
 *       once per revision.
 *   <li>{@code BAKING}: both, continuously, until {@code bakeUntil}: a failed steady-state probe or
 *       a breach ends the bake FAILED; the end of the bake time without either, HELD.
 * </ul>
 *
 * Not thread-safe: its watch run serialises the calls.
 */
final class WatchState {
  private final RunWatch watch;
  private final List<WatchedProbe> probes;
  private final Map<WatchedProbe, Integer> failing = new HashMap<>();
  private final Set<WatchedProbe> passed = new HashSet<>();
  private boolean resultOut;
  private boolean breached;

  WatchState(RunWatch watch) {
    this.watch = watch;
    List<WatchedProbe> read = new ArrayList<>();
    if (watch.phase() != WatchPhase.RUNNING) {
      watch.steadyState().forEach(p -> read.add(new WatchedProbe(p, Role.STEADY_STATE)));
    }
    if (watch.phase() == WatchPhase.RUNNING || watch.phase() == WatchPhase.BAKING) {
      watch.stopConditions().forEach(p -> read.add(new WatchedProbe(p, Role.STOP_CONDITION)));
    }
    this.probes = List.copyOf(read);
  }

  /** The probes this phase reads. */
  List<WatchedProbe> probes() {
    return probes;
  }

  /** What is decided before any reading: a check with no steady-state probe holds at once. */
  List<Outcome> start() {
    boolean check =
        watch.phase() == WatchPhase.STEADY_STATE || watch.phase() == WatchPhase.FINAL_CHECK;
    if (check && watch.steadyState().isEmpty()) {
      resultOut = true;
      return List.of(new Outcome(held(), null, null, "no steady-state probes"));
    }
    return List.of();
  }

  /** Applies one reading of {@code probe}: its PROBE_READING, and any result or breach. */
  List<Outcome> onReading(WatchedProbe probe, ProbeReading reading) {
    List<Outcome> out = new ArrayList<>();
    out.add(new Outcome(RunEventKind.PROBE_READING, probe.name(), reading, null));
    if (reading.ok()) {
      failing.put(probe, 0);
      if (probe.role() == Role.STEADY_STATE && isCheck()) {
        passed.add(probe);
        if (!resultOut && passed.containsAll(steadyProbes())) {
          resultOut = true;
          out.add(new Outcome(held(), null, null, "every steady-state probe passed"));
        }
      }
      return out;
    }
    int count = failing.merge(probe, 1, Integer::sum);
    ProbeDefinition definition = probe.definition();
    if (count <= definition.tolerance()) {
      return out;
    }
    String why =
        probe.name()
            + " failed "
            + count
            + " consecutive reading"
            + (count == 1 ? "" : "s")
            + " (tolerance "
            + definition.tolerance()
            + "): "
            + reading.describe();
    if (probe.role() == Role.STOP_CONDITION) {
      if (!breached) {
        breached = true;
        out.add(new Outcome(RunEventKind.STOP_CONDITION_BREACHED, probe.name(), reading, why));
        if (watch.phase() == WatchPhase.BAKING && !resultOut) {
          resultOut = true;
          out.add(
              new Outcome(
                  RunEventKind.BAKE_FAILED, probe.name(), reading, "stop condition " + why));
        }
      }
    } else if (!resultOut) {
      resultOut = true;
      out.add(new Outcome(failed(), probe.name(), reading, why));
    }
    return out;
  }

  /** The bake time is over: HELD unless the bake already failed. */
  List<Outcome> onBakeEnd() {
    if (watch.phase() != WatchPhase.BAKING || resultOut) {
      return List.of();
    }
    resultOut = true;
    return List.of(
        new Outcome(
            RunEventKind.BAKE_HELD, null, null, "every probe held until " + watch.bakeUntil()));
  }

  /** Whether {@code probe} needs no more readings in this revision. */
  boolean done(WatchedProbe probe) {
    if (probe.role() == Role.STOP_CONDITION) {
      return false; // read while the run is watched, also after a breach (the report plots them)
    }
    return resultOut || (isCheck() && passed.contains(probe));
  }

  /** Whether this revision's result is out. */
  boolean resultOut() {
    return resultOut;
  }

  private boolean isCheck() {
    return watch.phase() == WatchPhase.STEADY_STATE || watch.phase() == WatchPhase.FINAL_CHECK;
  }

  private List<WatchedProbe> steadyProbes() {
    return probes.stream().filter(p -> p.role() == Role.STEADY_STATE).toList();
  }

  private RunEventKind held() {
    return switch (watch.phase()) {
      case STEADY_STATE -> RunEventKind.STEADY_STATE_HELD;
      case FINAL_CHECK -> RunEventKind.FINAL_STEADY_STATE_HELD;
      case BAKING -> RunEventKind.BAKE_HELD;
      case RUNNING -> throw new IllegalStateException("RUNNING has no steady-state result");
    };
  }

  private RunEventKind failed() {
    return switch (watch.phase()) {
      case STEADY_STATE -> RunEventKind.STEADY_STATE_FAILED;
      case FINAL_CHECK -> RunEventKind.FINAL_STEADY_STATE_FAILED;
      case BAKING -> RunEventKind.BAKE_FAILED;
      case RUNNING -> throw new IllegalStateException("RUNNING has no steady-state result");
    };
  }
}
