package io.faultline.benchmarks.admission;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The P1 table: backlog rows per instance count, latency rows, the pipe rows and the ratios. */
public final class P1Report {
  /** One instance count's backlog. */
  public record Backlog(
      int instances,
      int requests,
      long approved,
      long rejected,
      long refused,
      long duplicates,
      double seconds,
      double firstToLastSeconds,
      double policyCpuSeconds,
      double brokerCpuSeconds) {
    public long decided() {
      return approved + rejected;
    }

    public double perSecond() {
      return decided() / seconds;
    }

    double policyCpuPerThousand() {
      return policyCpuSeconds / decided() * 1000;
    }

    double brokerCpuPerThousand() {
      return brokerCpuSeconds / decided() * 1000;
    }
  }

  /** One fixed rate's latency, request sent → decision seen committed. */
  public record Latency(
      int rate,
      double offered,
      int requests,
      long decided,
      long refused,
      long duplicates,
      double p50Millis,
      double p99Millis,
      double maxMillis) {}

  private final BenchSettings settings;
  private final Instant started;
  private final String loadBefore;
  private String loadAfter = "";
  private final List<Backlog> backlogs = new ArrayList<>();
  private final List<Latency> latencies = new ArrayList<>();
  private final List<PipeReference.Result> pipes = new ArrayList<>();

  P1Report(BenchSettings settings, Instant started) {
    this.settings = settings;
    this.started = started;
    this.loadBefore = loadAverage();
  }

  // Each row is also printed as soon as it is measured, so a run cut short keeps what it got.
  void add(Backlog backlog) {
    backlogs.add(backlog);
    System.out.println("ROW " + backlog);
  }

  void add(Latency latency) {
    latencies.add(latency);
    System.out.println("ROW " + latency);
  }

  void add(PipeReference.Result pipe) {
    pipes.add(pipe);
    System.out.println("ROW " + pipe);
  }

  void finished() {
    loadAfter = loadAverage();
  }

  public List<Backlog> backlogs() {
    return List.copyOf(backlogs);
  }

  public List<Latency> latencies() {
    return List.copyOf(latencies);
  }

  /** Records each pipe copied, by mode ({@code eos}, {@code plain}). */
  public Optional<Long> pipeRecords(String mode) {
    return pipes.stream()
        .filter(p -> p.mode().equals(mode))
        .map(PipeReference.Result::records)
        .findFirst();
  }

  public void print(PrintStream out) {
    out.println();
    out.printf(
        "P1 policy admission — %s, %d cores, load average before %s, after %s%n",
        started, Runtime.getRuntime().availableProcessors(), loadBefore, loadAfter);
    out.printf(
        "requests signed RS256 and verified; %d tenants; warm-up %d requests per instance;"
            + " every request %s; policy JVM %s%n",
        settings.tenants(),
        settings.warmup(),
        settings.decision() == BenchTenants.Decision.APPROVE
            ? "approvable (approval, lifecycle event, lease, decision record)"
            : "refused by a rule (REGION_NOT_ALLOWED; all rules evaluated)",
        String.join(" ", settings.policyJvmOptions()));
    out.println();
    out.println(
        "| backlog | instances | requests | approved | rejected | refused | duplicates | seconds"
            + " (commit → last) | decisions/s | policy CPU s | policy CPU s / 1,000 | broker CPU s"
            + " | broker CPU s / 1,000 |");
    out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (Backlog b : backlogs) {
      out.printf(
          Locale.ROOT,
          "| policy | %d | %d | %d | %d | %d | %d | %.2f | %.0f | %.1f | %.2f | %.1f | %.2f |%n",
          b.instances(),
          b.requests(),
          b.approved(),
          b.rejected(),
          b.refused(),
          b.duplicates(),
          b.seconds(),
          b.perSecond(),
          b.policyCpuSeconds(),
          b.policyCpuPerThousand(),
          b.brokerCpuSeconds(),
          b.brokerCpuPerThousand());
    }
    for (PipeReference.Result p : pipes) {
      out.printf(
          Locale.ROOT,
          "| pipe %s (commit %d ms) | 1 | %d | %d copied | | | %d | %.2f | %.0f msgs/s | %.1f | %.2f | %.1f | %.2f |%n",
          p.mode(),
          settings.pipeCommitMillis(),
          p.records(),
          p.records(),
          p.duplicates(),
          p.seconds(),
          p.perSecond(),
          p.cpuSeconds(),
          p.cpuSeconds() / p.records() * 1000,
          p.brokerCpuSeconds(),
          p.brokerCpuSeconds() / p.records() * 1000);
    }
    if (!backlogs.isEmpty() && !pipes.isEmpty()) {
      Backlog one = backlogs.getFirst();
      for (PipeReference.Result p : pipes) {
        out.printf(
            Locale.ROOT,
            "ratio policy (%d instance%s) / pipe %s: %.2f%n",
            one.instances(),
            one.instances() == 1 ? "" : "s",
            p.mode(),
            one.perSecond() / p.perSecond());
      }
    }
    if (!latencies.isEmpty()) {
      out.println();
      out.println(
          "| rate (1 instance) | offered/s | requests | decided | refused | duplicates | p50 ms | p99"
              + " ms | max ms |");
      out.println("|---|---|---|---|---|---|---|---|---|");
      for (Latency l : latencies) {
        out.printf(
            Locale.ROOT,
            "| %d/s for %d s | %.0f | %d | %d | %d | %d | %.1f | %.1f | %.1f |%n",
            l.rate(),
            settings.seconds(),
            l.offered(),
            l.requests(),
            l.decided(),
            l.refused(),
            l.duplicates(),
            l.p50Millis(),
            l.p99Millis(),
            l.maxMillis());
      }
    }
  }

  public static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
