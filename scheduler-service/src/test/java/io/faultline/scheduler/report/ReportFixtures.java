package io.faultline.scheduler.report;

import io.faultline.events.probe.Verdict;
import io.faultline.events.probe.WatchPhase;
import io.faultline.scheduler.state.Run;
import io.faultline.scheduler.state.RunFault;
import io.faultline.scheduler.state.RunReading;
import io.faultline.scheduler.state.RunStatus;
import io.faultline.scheduler.state.RunWave;
import io.faultline.scheduler.state.TimelineEntry;
import io.faultline.scheduler.state.WaveStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A finished two-wave run with three faults, its timeline and probe readings, carrying hostile text
 * wherever a tenant or an executor supplies text.
 */
final class ReportFixtures {
  static final Instant T0 = Instant.parse("2026-12-05T20:00:00Z");
  static final String HOSTILE = "<script>alert('x')</script>&\"";
  static final String RUN_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String FAULT_TRACE = "0af7651916cd43dd8448eb211c80319c";

  private ReportFixtures() {}

  static Run run() {
    List<RunWave> waves =
        List.of(
            new RunWave(
                0,
                "canary " + HOSTILE,
                false,
                Map.of(),
                List.of("f-0-a"),
                WaveStatus.COMPLETED,
                T0.plusSeconds(5),
                T0.plusSeconds(40),
                0),
            new RunWave(
                1,
                "all",
                false,
                Map.of(),
                List.of("f-1-a", "f-1-b"),
                WaveStatus.FAILED,
                T0.plusSeconds(45),
                T0.plusSeconds(90),
                0));
    List<RunFault> faults =
        List.of(
            new RunFault(
                "f-0-a", 0, "111111111111", "eu-west-1", "COMPLETED", 5, null, null, List.of()),
            new RunFault(
                "f-1-a", 1, "111111111111", "eu-west-1", "COMPLETED", 5, null, null, List.of()),
            new RunFault(
                "f-1-b",
                1,
                "222222222222",
                "eu-west-1",
                "FAILED",
                3,
                "INJECT",
                "ssm said " + HOSTILE,
                List.of()));
    return new Run(
        "acme",
        "run-1",
        "exp-1",
        "Checkout " + HOSTILE,
        "ec2-process-kill",
        null,
        null,
        "user:alice",
        RunStatus.FAILED,
        1,
        waves,
        faults,
        List.of(),
        "fault f-1-b FAILED",
        T0,
        T0.plusSeconds(90),
        "cmd-1",
        "00-" + RUN_TRACE + "-00f067aa0ba902b7-01");
  }

  static List<TimelineEntry> timeline() {
    List<TimelineEntry> out = new ArrayList<>();
    out.add(entry("f-0-a", "APPROVED", 1, 6, List.of(), RUN_TRACE));
    out.add(entry("f-0-a", "INJECTED", 3, 10, List.of("i-0abc12345def67890"), RUN_TRACE));
    out.add(entry("f-0-a", "COMPLETED", 5, 38, List.of("i-0abc12345def67890"), RUN_TRACE));
    out.add(entry("f-1-a", "INJECTED", 3, 50, List.of("i-0123"), RUN_TRACE));
    out.add(entry("f-1-a", "COMPLETED", 5, 80, List.of("i-0123"), RUN_TRACE));
    out.add(entry("f-1-b", "STARTED", 2, 48, List.of(), FAULT_TRACE));
    out.add(entry("f-1-b", "FAILED", 3, 60, List.of(), FAULT_TRACE));
    return out;
  }

  private static TimelineEntry entry(
      String fault, String stage, long sequence, int second, List<String> targets, String trace) {
    return new TimelineEntry(
        fault,
        stage,
        sequence,
        T0.plusSeconds(second),
        "executor-service",
        stage.equals("FAILED") ? "INJECT" : null,
        stage.equals("FAILED") ? "detail " + HOSTILE : null,
        targets,
        List.of(),
        null,
        trace);
  }

  /** Twelve readings of an HTTP probe (one failing) and eight of an alarm (two failing). */
  static List<RunReading> readings() {
    List<RunReading> out = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      boolean ok = i != 7;
      out.add(
          new RunReading(
              "api-ok",
              T0.plusSeconds(2 + i * 7),
              ok,
              null,
              null,
              ok ? 200 : 503,
              40L + i * 9,
              ok ? null : "status 503 " + HOSTILE,
              i == 0 ? WatchPhase.STEADY_STATE : WatchPhase.RUNNING,
              i < 6 ? 0 : 1));
    }
    for (int i = 0; i < 8; i++) {
      boolean ok = i < 5 || i == 7;
      out.add(
          new RunReading(
              "errors " + HOSTILE,
              T0.plusSeconds(4 + i * 11),
              ok,
              null,
              ok ? "OK" : "ALARM",
              null,
              null,
              null,
              WatchPhase.RUNNING,
              1));
    }
    return out;
  }

  /** The run with its verdict and readings, as the engine leaves it. */
  static Run judgedRun() {
    Run run = run().withVerdict(Verdict.HYPOTHESIS_REFUTED, "probe errors breached " + HOSTILE);
    for (RunReading reading : readings()) {
      run = run.withReading(reading);
    }
    return run;
  }

  static RunReport report() {
    return ReportAssembler.assemble(
        judgedRun(), timeline(), "Checkout keeps serving " + HOSTILE, T0.plusSeconds(120));
  }
}
