package io.faultline.benchmarks.inflight;

import io.faultline.benchmarks.admission.P1Report;
import io.faultline.benchmarks.flow.Table;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The P3 tables: faults in flight and heap, CPU per fault by phase, dry runs, the reference. */
public final class P3Report {
  private static final double MIB = 1024.0 * 1024.0;

  /** The held faults: published, all INJECTED, heap after GC, halted, all ended. */
  public record InFlight(
      int faults,
      long injected,
      long inFlight,
      long heapBaselineBytes,
      long heapLoadedBytes,
      double secondsToAllInjected,
      double executorCpuInject,
      double brokerCpuInject,
      double secondsHaltToAllEnded,
      double executorCpuHalt,
      double brokerCpuHalt,
      long ended,
      Map<String, Long> endings) {
    public double heapPerFaultKiB() {
      return (heapLoadedBytes - heapBaselineBytes) / 1024.0 / Math.max(1, inFlight);
    }
  }

  /** Dry runs end to end, approval published → terminal event. */
  public record DryRuns(
      int faults,
      long ended,
      Map<String, Long> endings,
      double seconds,
      double executorCpuSeconds,
      double brokerCpuSeconds,
      long lifecycleRecords,
      long lifecycleBytes) {
    public double perSecond() {
      return ended / seconds;
    }

    public double executorCpuMillisPerFault() {
      return executorCpuSeconds * 1000 / faults;
    }

    public double brokerCpuMillisPerFault() {
      return brokerCpuSeconds * 1000 / faults;
    }
  }

  private final InFlightSettings settings;
  private final Instant started = Instant.now();
  private final String loadBefore = P1Report.loadAverage();
  private String loadAfter = "";
  private InFlight inFlight;
  private DryRuns dryRuns;
  private BrokerReference.Result reference;
  private String histogram = "";

  P3Report(InFlightSettings settings) {
    this.settings = settings;
  }

  void inFlight(InFlight value, String classHistogram) {
    inFlight = value;
    histogram = classHistogram;
  }

  void dryRuns(DryRuns value) {
    dryRuns = value;
  }

  void reference(BrokerReference.Result value) {
    reference = value;
  }

  void finish() {
    loadAfter = P1Report.loadAverage();
  }

  public InFlight inFlight() {
    return inFlight;
  }

  public Optional<DryRuns> dryRuns() {
    return Optional.ofNullable(dryRuns);
  }

  public Optional<BrokerReference.Result> reference() {
    return Optional.ofNullable(reference);
  }

  public void print(PrintStream out) {
    out.printf(
        Locale.ROOT,
        "%n## P3 — faults in flight, heap and CPU per fault (%s; load average %s before, %s"
            + " after; %d cores; executor JVM %s)%n%n",
        started,
        loadBefore,
        loadAfter,
        Runtime.getRuntime().availableProcessors(),
        String.join(" ", settings.executorJvm()));
    if (inFlight != null) {
      out.println(inFlightTable().markdown());
      out.println(cpuTable().markdown());
      out.println("Ended after the halt: " + inFlight.endings());
      out.println();
    }
    if (dryRuns != null || reference != null) {
      out.println(dryRunTable().markdown());
    }
    if (dryRuns != null) {
      out.println("Dry runs ended: " + dryRuns.endings());
      out.println();
    }
    if (!histogram.isEmpty()) {
      out.println("Executor heap, all in flight (jcmd GC.class_histogram, top entries):");
      out.println("```");
      out.print(histogram);
      out.println("```");
    }
  }

  private Table inFlightTable() {
    InFlight f = inFlight;
    return Table.titled(
            "In flight on one executor",
            "faults",
            "INJECTED",
            "in flight",
            "heap baseline MiB",
            "heap all in flight MiB",
            "heap per fault KiB",
            "first approval → all INJECTED s",
            "halt → all ended s",
            "ended")
        .row(
            f.faults(),
            f.injected(),
            f.inFlight(),
            fmt(f.heapBaselineBytes() / MIB),
            fmt(f.heapLoadedBytes() / MIB),
            fmt(f.heapPerFaultKiB()),
            fmt(f.secondsToAllInjected()),
            fmt(f.secondsHaltToAllEnded()),
            f.ended())
        .build();
  }

  private Table cpuTable() {
    InFlight f = inFlight;
    return Table.titled(
            "CPU per held fault (ms)", "phase", "executor CPU ms / fault", "broker CPU ms / fault")
        .row(
            "inject (publish → all INJECTED)",
            fmt(f.executorCpuInject() * 1000 / f.faults()),
            fmt(f.brokerCpuInject() * 1000 / f.faults()))
        .row(
            "halt (halt → all ended)",
            fmt(f.executorCpuHalt() * 1000 / f.faults()),
            fmt(f.brokerCpuHalt() * 1000 / f.faults()))
        .build();
  }

  private Table dryRunTable() {
    Table.Builder table =
        Table.titled(
            "Dry runs end to end, beside a plain producer on the same broker",
            "leg",
            "count",
            "ended",
            "seconds",
            "per second",
            "executor CPU ms / fault",
            "broker CPU ms / fault or record",
            "lifecycle records / fault");
    if (dryRuns != null) {
      DryRuns d = dryRuns;
      table.row(
          "dry run: approval → terminal event",
          d.faults(),
          d.ended(),
          fmt(d.seconds()),
          fmt(d.perSecond()),
          fmt(d.executorCpuMillisPerFault()),
          fmt(d.brokerCpuMillisPerFault()),
          fmt((double) d.lifecycleRecords() / d.faults()));
    }
    if (reference != null) {
      BrokerReference.Result r = reference;
      table.row(
          "raw: plain producer, " + r.recordBytes() + "-byte records",
          r.records(),
          r.records(),
          fmt(r.seconds()),
          fmt(r.perSecond()),
          "-",
          String.format(Locale.ROOT, "%.3f", r.brokerCpuMillisPerRecord()),
          "-");
    }
    return table.build();
  }

  private static String fmt(double value) {
    return String.format(Locale.ROOT, "%.2f", value);
  }
}
