package io.faultline.executor.run;

import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.TargetStatus;
import io.faultline.events.tracing.FaultSpans;
import io.faultline.executor.fault.FaultSpec;
import io.faultline.executor.fault.Target;
import io.faultline.executor.fault.TargetDirectory;
import io.faultline.executor.fault.TransportException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Rolls back every target a fault may have touched, sends the rollback again to a target whose
 * given-up inject ended after it ({@link LateInjects}), then (for fault types that verify) checks
 * each one recovered; every target's outcome lands in the {@link TargetLedger}.
 */
final class Rollback {
  /**
   * ok, or the reason and detail the fault fails with.
   *
   * @param late what the terminal event adds about given-up injects that ended late (the rollback
   *     sent again), or null
   */
  record Result(boolean ok, FailureReason reason, String detail, String late) {
    Result(boolean ok, FailureReason reason, String detail) {
      this(ok, reason, detail, null);
    }

    Result withLate(String value) {
      return new Result(ok, reason, detail, value);
    }

    /** {@code text}, followed by what is said about late injects. */
    String andLate(String text) {
      return late == null ? text : text + "; " + late;
    }
  }

  private Rollback() {}

  static Result run(
      CommandContext commands,
      FaultTrace trace,
      TargetLedger targets,
      AbortSignal signal,
      RunSettings settings) {
    return run(commands, trace, targets, signal, settings, targets.list());
  }

  /**
   * As {@link #run(CommandContext, FaultTrace, TargetLedger, AbortSignal, RunSettings)}, on {@code
   * scope} only: a serial fault rolls back (and verifies) each host after its own hold, and at the
   * end only the hosts it reached and has not rolled back yet.
   */
  static Result run(
      CommandContext commands,
      FaultTrace trace,
      TargetLedger targets,
      AbortSignal signal,
      RunSettings settings,
      List<Target> scope) {
    long started = System.nanoTime();
    LateInjects late = new LateInjects(commands, targets, trace, signal, settings);
    late.beforeRollback();
    CommandRound round =
        new CommandRound(
            CommandRound.Direction.ROLLBACK, commands, trace, targets, signal, settings);
    if (!scope.isEmpty()) {
      round.run(scope);
    }
    List<Target> again = late.afterRollback();
    if (!again.isEmpty()) {
      round.run(again);
    }
    if (scope.isEmpty() && again.isEmpty()) {
      // A serial run whose every reached host was rolled back after its own hold.
      return new Result(true, null, null).withLate(late.summary());
    }
    List<String> failed = targets.notRolledBack(scope);
    trace.timed(FaultSpans.ROLLBACK, failed.isEmpty(), started);
    if (!failed.isEmpty()) {
      return new Result(
              false,
              FailureReason.ROLLBACK,
              "rollback failed on " + failed + " (host-side timers revert)")
          .withLate(late.summary());
    }
    try (FaultTrace.PhaseSpan p = trace.phase(FaultSpans.VERIFY)) {
      Result result = verify(commands.session(), commands.spec(), targets, scope);
      if (!result.ok()) {
        p.fail(result.reason(), result.detail());
      }
      return result.withLate(late.summary());
    }
  }

  private static Result verify(
      TargetDirectory directory, FaultSpec spec, TargetLedger targets, List<Target> scope) {
    if (scope.isEmpty()) {
      return new Result(true, null, null);
    }
    Map<String, String> unverified;
    try {
      unverified = spec.verify(scope, directory);
    } catch (TransportException e) {
      unverified =
          scope.stream()
              .collect(
                  Collectors.toMap(
                      Target::id,
                      t -> "cannot verify: " + e.getMessage(),
                      (a, b) -> a,
                      LinkedHashMap::new));
    }
    if (spec.verifies()) {
      for (Target target : scope) {
        if (!unverified.containsKey(target.id())) {
          targets.record(target, TargetStatus.VERIFIED, targets.commandOf(target), null);
        }
      }
    }
    if (!unverified.isEmpty()) {
      for (Target target : scope) {
        String why = unverified.get(target.id());
        if (why != null) {
          targets.record(target, TargetStatus.ROLLBACK_FAILED, targets.commandOf(target), why);
        }
      }
      return new Result(false, FailureReason.VERIFY, "verification failed: " + unverified);
    }
    return new Result(true, null, null);
  }
}
