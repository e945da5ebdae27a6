package io.faultline.scheduler.report;

import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.lifecycle.TargetSummary;
import io.faultline.scheduler.state.Run;
import io.faultline.scheduler.state.RunFault;
import io.faultline.scheduler.state.RunReading;
import io.faultline.scheduler.state.RunWave;
import io.faultline.scheduler.state.TimelineEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds a run's report from its state (verdict and readings included), timeline and hypothesis.
 */
final class ReportAssembler {
  private ReportAssembler() {}

  static RunReport assemble(Run run, List<TimelineEntry> timeline, String hypothesis, Instant now) {
    Map<String, Integer> waveOf = new HashMap<>();
    run.faults().forEach(f -> waveOf.put(f.faultId(), f.wave()));
    Map<Integer, String> waveNames = new HashMap<>();
    run.waves().forEach(w -> waveNames.put(w.index(), w.name()));
    List<RunReading> readings =
        run.readings().stream()
            .filter(r -> r.at() != null)
            .sorted(Comparator.comparing(RunReading::at))
            .toList();
    return new RunReport(
        run.tenantId(),
        run.runId(),
        run.experimentId(),
        run.experimentName(),
        run.faultType(),
        hypothesis,
        run.status(),
        run.verdict(),
        run.verdictReason(),
        run.stopReason(),
        run.requestedBy(),
        run.scheduleId(),
        run.startedAt(),
        run.endedAt(),
        traces(run, timeline),
        run.waves().stream().map(ReportAssembler::wave).toList(),
        run.faults().stream().map(f -> fault(f, waveNames, timeline)).toList(),
        timeline.stream().map(e -> event(e, waveOf.getOrDefault(e.faultId(), -1))).toList(),
        readings,
        probes(readings),
        now);
  }

  private static ReportWave wave(RunWave w) {
    return new ReportWave(w.index(), w.name(), w.dryRun(), w.status(), w.startedAt(), w.endedAt());
  }

  private static ReportEvent event(TimelineEntry e, int wave) {
    return new ReportEvent(
        e.occurredAt(),
        e.faultId(),
        wave,
        e.stage(),
        e.producer(),
        e.reason(),
        e.detail(),
        TraceIds.valid(e.traceId()).orElse(null));
  }

  private static ReportFault fault(
      RunFault f, Map<Integer, String> waveNames, List<TimelineEntry> timeline) {
    List<String> targets = List.of();
    TargetSummary summary = null;
    Instant injectedAt = null;
    Instant endedAt = null;
    String traceId = null;
    for (TimelineEntry e : timeline) {
      if (!e.faultId().equals(f.faultId())) {
        continue;
      }
      // The latest event that speaks about targets describes them best.
      if (!e.targets().isEmpty() || e.targetSummary() != null) {
        targets = e.targets();
        summary = e.targetSummary();
      }
      if (injectedAt == null && LifecycleStage.INJECTED.name().equals(e.stage())) {
        injectedAt = e.occurredAt();
      }
      if (endedAt == null && terminal(e.stage())) {
        endedAt = e.occurredAt();
      }
      if (traceId == null) {
        traceId = TraceIds.valid(e.traceId()).orElse(null);
      }
    }
    return new ReportFault(
        f.faultId(),
        f.wave(),
        waveNames.get(f.wave()),
        f.accountId(),
        f.region(),
        f.stage(),
        f.reason(),
        f.detail(),
        targets == null ? List.of() : targets,
        summary,
        injectedAt,
        endedAt,
        traceId);
  }

  private static boolean terminal(String stage) {
    // REJECTED ends a fault that never ran; the lifecycle's terminal three end the others.
    return LifecycleStage.REJECTED.name().equals(stage)
        || LifecycleStage.COMPLETED.name().equals(stage)
        || LifecycleStage.FAILED.name().equals(stage)
        || LifecycleStage.ABORTED.name().equals(stage);
  }

  /** The run request's trace first, then the faults' traces in the order they appeared. */
  private static List<ReportTrace> traces(Run run, List<TimelineEntry> timeline) {
    Map<String, List<String>> faultsByTrace = new LinkedHashMap<>();
    String runTrace = TraceIds.fromTraceparent(run.traceparent()).orElse(null);
    if (runTrace != null) {
      faultsByTrace.put(runTrace, new ArrayList<>());
    }
    for (TimelineEntry e : timeline) {
      TraceIds.valid(e.traceId())
          .ifPresent(
              id -> {
                List<String> faults = faultsByTrace.computeIfAbsent(id, k -> new ArrayList<>());
                if (!faults.contains(e.faultId())) {
                  faults.add(e.faultId());
                }
              });
    }
    List<ReportTrace> out = new ArrayList<>();
    faultsByTrace.forEach(
        (id, faults) -> out.add(new ReportTrace(id, id.equals(runTrace), List.copyOf(faults))));
    return out;
  }

  static String probeName(RunReading r) {
    return r.probe() == null ? "(unnamed)" : r.probe();
  }

  private static List<ProbeSummary> probes(List<RunReading> readings) {
    Map<String, List<RunReading>> byProbe = new TreeMap<>();
    readings.forEach(r -> byProbe.computeIfAbsent(probeName(r), k -> new ArrayList<>()).add(r));
    List<ProbeSummary> out = new ArrayList<>();
    byProbe.forEach(
        (probe, list) -> {
          List<Double> values =
              list.stream().map(RunReading::value).filter(v -> v != null).toList();
          out.add(
              new ProbeSummary(
                  probe,
                  list.size(),
                  (int) list.stream().filter(r -> !r.ok()).count(),
                  list.getFirst().at(),
                  list.getLast().at(),
                  list.getLast().ok(),
                  values.stream().min(Double::compare).orElse(null),
                  values.stream().max(Double::compare).orElse(null)));
        });
    return out;
  }
}
