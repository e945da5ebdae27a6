package io.faultline.executor.run;

import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.tracing.FaultSpans;
import io.faultline.executor.fault.Timing;
import java.util.List;

/**
 * The last step of a fault that may have injected: ROLLING_BACK, the rollback of what is injected,
 * and the terminal event the fault was heading to. A serial fault rolls back only the hosts it
 * reached and has not rolled back yet, all at once.
 */
final class RollbackAndFinish {
  private final LifecycleWriter writer;
  private final TargetLedger targets;
  private final FaultTrace trace;
  private final AbortSignal signal;
  private final RunSettings settings;
  private final int serialHostsBefore;

  /**
   * @param serialHostsBefore hosts of a serial run its previous owner injected and rolled back
   *     before a takeover (0 for a fault run here from the start)
   */
  RollbackAndFinish(
      LifecycleWriter writer,
      TargetLedger targets,
      FaultTrace trace,
      AbortSignal signal,
      RunSettings settings,
      int serialHostsBefore) {
    this.writer = writer;
    this.targets = targets;
    this.trace = trace;
    this.signal = signal;
    this.settings = settings;
    this.serialHostsBefore = serialHostsBefore;
  }

  /**
   * @param serialDetail what a serial run says about how it stopped, or null
   */
  void finish(CommandContext commands, Heading heading, String serialDetail) {
    boolean serial = commands.spec().timing().sequence() == Timing.Sequence.SERIAL;
    writer.headFor(heading);
    // Queued, not awaited: a halt while the broker is away still rolls back at once (the events
    // follow when it is back; a takeover meanwhile rolls back again, which is idempotent).
    writer.eventWithoutWaiting(
        LifecycleStage.ROLLING_BACK,
        switch (heading) {
          case Heading.Completed c -> "hold over";
          case Heading.Aborted a -> "stopping: " + a.reason();
          case Heading.Failed f -> "stopping: " + f.reason();
        });
    Rollback.Result result =
        serial
            ? Rollback.run(
                commands, trace, targets, signal, settings, targets.reachedAndNotRolledBack())
            : Rollback.run(commands, trace, targets, signal, settings);
    String before = serialDetail == null ? "" : serialDetail + "; ";
    if (!result.ok()) {
      writer.terminal(
          LifecycleStage.FAILED, result.reason(), before + result.andLate(result.detail()));
      return;
    }
    String rolledBack =
        before
            + result.andLate(
                serial ? serialSummary() : "rolled back " + targets.list().size() + " targets");
    switch (heading) {
      case Heading.Completed c -> {
        rampDown(commands.spec().timing());
        writer.terminal(LifecycleStage.COMPLETED, null, rolledBack);
      }
      case Heading.Aborted a ->
          writer.terminal(
              LifecycleStage.ABORTED, a.reason(), describeStop(a.reason()) + "; " + rolledBack);
      case Heading.Failed f ->
          writer.terminal(
              LifecycleStage.FAILED, f.reason(), describeStop(f.reason()) + "; " + rolledBack);
    }
  }

  /** RAMP_TIME after the rollback, cut short by an abort or a release. */
  private void rampDown(Timing timing) {
    try (FaultTrace.PhaseSpan p = trace.phase(FaultSpans.RAMP)) {
      boolean full = signal.await(timing.ramp());
      if (!full && signal.aborted()) {
        p.stopped(signal.reason());
      }
    }
  }

  /** Which hosts a serial run reached, one at a time. */
  private String serialSummary() {
    List<String> reached = targets.reached();
    int total = targets.list().size();
    int injected = Math.min(total, serialHostsBefore + reached.size());
    int notReached = total - injected;
    return "serial: "
        + injected
        + " of "
        + total
        + " hosts injected one at a time, each rolled back before the next"
        + (notReached == 0
            ? ""
            : "; "
                + notReached
                + (notReached == 1 ? " host was" : " hosts were")
                + " never sent"
                + " a command");
  }

  static String describeStop(FailureReason reason) {
    return switch (reason) {
      case ABORTED -> "aborted by a control";
      case HALTED -> "aborted: tenant or platform halted";
      case INJECT -> "inject failed on at least one target";
      default -> String.valueOf(reason);
    };
  }
}
