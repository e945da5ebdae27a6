package io.faultline.benchmarks.inflight;

import io.faultline.benchmarks.aws.BenchAws;
import io.faultline.benchmarks.jvm.BootService;
import io.faultline.benchmarks.jvm.ChildBroker;
import io.faultline.benchmarks.jvm.Poll;
import io.faultline.events.control.ControlAction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * P3 driver: {@code ./mvnw -B -pl benchmarks compile exec:java
 * -Dexec.mainClass=io.faultline.benchmarks.inflight.InFlightBenchmark}. The broker in its own JVM,
 * one executor from its boot jar (heap capped), the AWS stub in this JVM; approvals published
 * straight to the approvals topic. Options and what each phase measures: the module README.
 */
public final class InFlightBenchmark {
  private static final String HOLD = "hold";
  private static final String DRY = "dry";

  private InFlightBenchmark() {}

  public static void main(String[] args) {
    P3Report report = run(InFlightSettings.fromSystemProperties());
    report.print(System.out);
  }

  /** Runs every phase and returns the report; the child JVMs are stopped however it ends. */
  public static P3Report run(InFlightSettings settings) {
    try {
      Files.createDirectories(settings.workDir());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + settings.workDir(), e);
    }
    P3Report report = new P3Report(settings);
    String run = UUID.randomUUID().toString().substring(0, 6);
    // A driver stopped by a signal (Ctrl-C, timeout) stops its child JVMs too.
    List<AutoCloseable> children = new CopyOnWriteArrayList<>();
    Thread hook = new Thread(() -> children.reversed().forEach(InFlightBenchmark::closeQuietly));
    Runtime.getRuntime().addShutdownHook(hook);
    try (ChildBroker broker =
            child(children, ChildBroker.start(settings.workDir(), BootService.freePort()));
        BenchAws aws = new BenchAws();
        ExecutorJvm executor =
            child(
                children,
                ExecutorJvm.start(
                    settings, broker.bootstrapServers(), aws.endpoint(), "p3-" + run));
        StageTap tap = new StageTap(broker.bootstrapServers(), "p3-" + run + "-");
        Approvals approvals =
            new Approvals(
                broker.bootstrapServers(), run, settings.accounts(), settings.tenants())) {
      progress(
          "broker "
              + broker.bootstrapServers()
              + ", executor pid "
              + executor.pid()
              + ", logs in "
              + settings.workDir());
      Phases phases = new Phases(settings, broker, executor, tap, approvals);
      phases.inFlight(report);
      phases.dryRuns(report);
      if (settings.reference()) {
        // As many records as the dry runs wrote to the lifecycle topic, of their mean size.
        long records = tap.records(DRY) > 0 ? tap.records(DRY) : tap.records(HOLD);
        long bytes = tap.records(DRY) > 0 ? tap.bytes(DRY) : tap.bytes(HOLD);
        report.reference(
            BrokerReference.measure(
                broker,
                (int) Math.max(records, 1_000),
                (int) Math.max(1, bytes / Math.max(1, records)),
                settings.tenants()));
      }
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // already shutting down: the hook stops them
      }
    }
    report.finish();
    return report;
  }

  private static <T extends AutoCloseable> T child(List<AutoCloseable> children, T child) {
    children.add(child);
    return child;
  }

  private static void closeQuietly(AutoCloseable child) {
    try {
      child.close();
    } catch (Exception e) {
      System.err.println("p3: could not stop " + child + ": " + e);
    }
  }

  /** The measured phases on one broker and one executor. */
  private record Phases(
      InFlightSettings settings,
      ChildBroker broker,
      ExecutorJvm executor,
      StageTap tap,
      Approvals approvals) {

    void inFlight(P3Report report) {
      int faults = settings.faults();
      long baseline = executor.heapUsedAfterGc();
      double executorCpu0 = executor.cpuSeconds();
      double brokerCpu0 = broker.cpuSeconds();
      long t0 = System.nanoTime();
      approvals.publish(HOLD, faults, false);
      await(
          "every held fault INJECTED (or ended)",
          () -> tap.injected(HOLD) + tap.ended(HOLD),
          faults);
      long t1 = System.nanoTime();
      double executorCpu1 = executor.cpuSeconds();
      double brokerCpu1 = broker.cpuSeconds();
      long injected = tap.injected(HOLD);
      long inFlight = tap.inFlight(HOLD);
      long loaded = executor.heapUsedAfterGc();
      String histogram = executor.classHistogram(15);
      progress(
          String.format(
              Locale.ROOT,
              "%d INJECTED, %d in flight; heap after GC %.1f MiB (baseline %.1f MiB)",
              injected,
              inFlight,
              loaded / 1048576.0,
              baseline / 1048576.0));

      double executorCpu2 = executor.cpuSeconds();
      double brokerCpu2 = broker.cpuSeconds();
      long t2 = System.nanoTime();
      approvals.control(ControlAction.HALT_PLATFORM);
      await("every held fault ended after the halt", () -> tap.ended(HOLD), faults);
      long t3 = System.nanoTime();
      double executorCpu3 = executor.cpuSeconds();
      double brokerCpu3 = broker.cpuSeconds();
      approvals.control(ControlAction.RESUME_PLATFORM);
      report.inFlight(
          new P3Report.InFlight(
              faults,
              injected,
              inFlight,
              baseline,
              loaded,
              (t1 - t0) / 1e9,
              executorCpu1 - executorCpu0,
              brokerCpu1 - brokerCpu0,
              (t3 - t2) / 1e9,
              executorCpu3 - executorCpu2,
              brokerCpu3 - brokerCpu2,
              tap.ended(HOLD),
              tap.endings(HOLD)),
          histogram);
    }

    void dryRuns(P3Report report) {
      if (settings.dryRuns() == 0) {
        return;
      }
      awaitResumed();
      if (settings.dryWarmup() > 0) {
        approvals.publish("warm", settings.dryWarmup(), true);
        await("every warm-up dry run ended", () -> tap.ended("warm"), settings.dryWarmup());
      }
      int faults = settings.dryRuns();
      double executorCpu0 = executor.cpuSeconds();
      double brokerCpu0 = broker.cpuSeconds();
      long t0 = System.nanoTime();
      approvals.publish(DRY, faults, true);
      await("every dry run ended", () -> tap.ended(DRY), faults);
      long t1 = System.nanoTime();
      report.dryRuns(
          new P3Report.DryRuns(
              faults,
              tap.ended(DRY),
              tap.endings(DRY),
              (t1 - t0) / 1e9,
              executor.cpuSeconds() - executorCpu0,
              broker.cpuSeconds() - brokerCpu0,
              tap.records(DRY),
              tap.bytes(DRY)));
    }

    /**
     * The resume travels on the controls topic, the approvals on another: a dry run read before the
     * resume ends {@code ABORTED HALTED}. One dry run at a time until one completes.
     */
    private void awaitResumed() {
      for (int attempt = 0; attempt < 60; attempt++) {
        String phase = "resume" + attempt;
        approvals.publish(phase, 1, true);
        await("the probe dry run " + phase + " ended", () -> tap.ended(phase), 1);
        if (tap.endings(phase).containsKey("COMPLETED")) {
          return;
        }
        Poll.pause(Duration.ofMillis(500));
      }
      throw new IllegalStateException(
          "the executor did not run a dry run to COMPLETED after the resume");
    }

    private void await(String what, LongSupplier count, long target) {
      long deadline = System.nanoTime() + settings.timeout().toNanos();
      long nextReport = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (count.getAsLong() < target) {
        if (!isAlive()) {
          throw new IllegalStateException(
              "the executor exited waiting for "
                  + what
                  + " at "
                  + count.getAsLong()
                  + " of "
                  + target
                  + " (held faults INJECTED: "
                  + tap.injected(HOLD)
                  + ")\n"
                  + executor.tail(40));
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "timed out after "
                  + settings.timeout()
                  + " waiting for "
                  + what
                  + ": "
                  + count.getAsLong()
                  + " of "
                  + target);
        }
        if (System.nanoTime() > nextReport) {
          progress(what + ": " + count.getAsLong() + " of " + target);
          nextReport = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        }
        Poll.pause(Duration.ofMillis(100));
      }
    }

    private boolean isAlive() {
      try {
        executor.failIfExited();
        return true;
      } catch (IllegalStateException e) {
        return false;
      }
    }
  }

  private static void progress(String line) {
    System.err.println("p3: " + line);
  }
}
