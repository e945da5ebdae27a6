package io.faultline.executor.run;

import io.faultline.executor.fault.Backoff;
import io.faultline.executor.fault.CommandTransport.Invocation.Status;
import io.faultline.executor.fault.Target;
import io.faultline.executor.fault.TransportException;
import io.faultline.executor.run.TargetLedger.GivenUp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What became of the inject commands a fault gave up on (its command timeout passed, or an abort
 * cut the round short; each was cancelled, which SSM may refuse or lose the race to). Such an
 * inject may still end on its host after the rollback ran there and found nothing to undo, leaving
 * the fault in place until the host's dead-man fires. So the rollback learns how each one ended:
 *
 * <ul>
 *   <li>read once just before the rollback is sent: one that has ended then needs nothing more (the
 *       rollback runs after it);
 *   <li>otherwise, after the rollback, its invocation is read until it ends, at most until the
 *       command's AWS-side bound ({@link CommandBounds#settledBy}); then {@link #verdict} decides
 *       whether the rollback is sent to that target again.
 * </ul>
 *
 * Every decision is noted on the target (so the fault's events say it) and counted.
 */
final class LateInjects {
  private static final Logger log = LoggerFactory.getLogger(LateInjects.class);
  private static final int MAX_READ_ERRORS = 5;

  /** What a given-up inject's end asks of the rollback. */
  enum Verdict {
    /** It ended before the rollback was sent, so the rollback ran after it: nothing more. */
    ENDED_BEFORE_ROLLBACK,
    /** It failed on its own after the rollback was sent: its trap undid any half-done change. */
    FAILED_ON_ITS_OWN,
    /**
     * It ended after the rollback was sent (succeeded, was cancelled or timed out, which SSM does
     * with a kill its trap may not see), or its end is unknown by its bound: it may have changed
     * the host after the rollback ran there, so the rollback is sent to that target again
     * (idempotent: "never injected" is success).
     */
    ROLL_BACK_AGAIN
  }

  /**
   * @param endedBeforeRollback whether its end was read before the rollback was sent
   * @param end how it ended; {@link Status#PENDING} when unknown by its bound (or unreadable)
   */
  static Verdict verdict(boolean endedBeforeRollback, Status end) {
    if (endedBeforeRollback && end.done()) {
      return Verdict.ENDED_BEFORE_ROLLBACK;
    }
    return end == Status.FAILED ? Verdict.FAILED_ON_ITS_OWN : Verdict.ROLL_BACK_AGAIN;
  }

  /** What the target's detail says about the end of its given-up inject. */
  static String note(Verdict verdict, Status end, Instant settledBy) {
    return switch (verdict) {
      case ENDED_BEFORE_ROLLBACK -> "inject " + ended(end) + " before the rollback was sent";
      case FAILED_ON_ITS_OWN -> "inject failed late (its own trap reverts a half-done change)";
      case ROLL_BACK_AGAIN ->
          switch (end) {
                case SUCCESS -> "inject succeeded late";
                case PENDING -> "inject's end unknown by its bound " + settledBy;
                default -> "inject " + ended(end) + " after the rollback was sent";
              }
              + "; rollback sent again";
    };
  }

  /** "succeeded", "failed", "cancelled", "timed out", or "end unknown" (PENDING). */
  private static String label(Status end) {
    return switch (end) {
      case SUCCESS -> "succeeded";
      case FAILED -> "failed";
      case CANCELLED -> "cancelled";
      case TIMED_OUT -> "timed out";
      case PENDING -> "end unknown";
    };
  }

  private static String ended(Status end) {
    return end == Status.CANCELLED ? "was cancelled" : label(end);
  }

  /** The metric's name for an end. */
  private static String endTag(Status end) {
    return end == Status.PENDING ? "unknown" : end.name().toLowerCase(Locale.ROOT);
  }

  private final CommandContext commands;
  private final TargetLedger targets;
  private final FaultTrace trace;
  private final AbortSignal signal;
  private final RunSettings settings;
  private final Map<String, String> rolledBackAgain = new LinkedHashMap<>();

  LateInjects(
      CommandContext commands,
      TargetLedger targets,
      FaultTrace trace,
      AbortSignal signal,
      RunSettings settings) {
    this.commands = commands;
    this.targets = targets;
    this.trace = trace;
    this.signal = signal;
    this.settings = settings;
  }

  /** Just before the rollback is sent: settles every given-up inject that has ended by now. */
  void beforeRollback() {
    for (GivenUp g : targets.givenUp()) {
      try {
        Status end = read(g);
        if (end.done()) {
          settle(g, true, end);
        }
      } catch (TransportException e) {
        // Read again after the rollback.
      }
    }
  }

  /**
   * After the rollback: waits for every given-up inject still open to end, at most until its bound,
   * and settles it.
   *
   * @return the targets the rollback must be sent to again; none once the fault is released (its
   *     new owner rolls back)
   */
  List<Target> afterRollback() {
    if (targets.givenUp().isEmpty()) {
      return List.of();
    }
    log.info(
        "fault {}: waiting for {} given-up inject(s) to end (at most until {})",
        commands.context().faultId(),
        targets.givenUp().size(),
        targets.givenUp().stream().map(GivenUp::settledBy).max(Instant::compareTo).orElseThrow());
    Backoff backoff = new Backoff(settings.pollInitial(), settings.pollMax());
    Map<String, Integer> errors = new HashMap<>();
    List<Target> again = new ArrayList<>();
    while (true) {
      for (GivenUp g : targets.givenUp()) {
        Status end = endOf(g, errors);
        if (end.done() || unreadable(g, errors) || Instant.now().isAfter(g.settledBy())) {
          if (settle(g, false, end) == Verdict.ROLL_BACK_AGAIN) {
            again.add(g.target());
          }
        }
      }
      if (signal.released()) {
        return List.of();
      }
      if (targets.givenUp().isEmpty()) {
        return again;
      }
      try {
        // A polling pause between reads of SSM's answer: there is no event to wait on, an abort
        // must not cut it short (the rollback is under way), and a release is seen at the next
        // round, at most one backoff step later.
        Thread.sleep(backoff.next());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        signal.release();
        return List.of();
      }
    }
  }

  /**
   * What the terminal event adds: the targets the rollback was sent to again and why; null when
   * none.
   */
  String summary() {
    if (rolledBackAgain.isEmpty()) {
      return null;
    }
    return "given-up inject ended late ("
        + rolledBackAgain.entrySet().stream()
            .map(e -> e.getKey() + " " + e.getValue())
            .collect(Collectors.joining(", "))
        + "): rollback sent again";
  }

  /** The inject's status now; PENDING while it cannot be read. */
  private Status endOf(GivenUp g, Map<String, Integer> errors) {
    try {
      return read(g);
    } catch (TransportException e) {
      errors.merge(g.target().id(), 1, Integer::sum);
      return Status.PENDING;
    }
  }

  /** Unreadable as many times in a row as the round tolerates: as good as unknown. */
  private static boolean unreadable(GivenUp g, Map<String, Integer> errors) {
    return errors.getOrDefault(g.target().id(), 0) >= MAX_READ_ERRORS;
  }

  private Status read(GivenUp g) {
    return commands.session().invocation(g.commandId(), g.target().id()).status();
  }

  private Verdict settle(GivenUp g, boolean beforeRollback, Status end) {
    Verdict verdict = verdict(beforeRollback, end);
    targets.note(g.target(), note(verdict, end, g.settledBy()));
    targets.settled(g.target());
    boolean again = verdict == Verdict.ROLL_BACK_AGAIN;
    trace.lateInject(endTag(end), again);
    if (again) {
      rolledBackAgain.put(g.target().id(), label(end));
      log.warn(
          "fault {}: given-up inject {} on {} {}; sending the rollback there again",
          commands.context().faultId(),
          g.commandId(),
          g.target().id(),
          end == Status.PENDING ? "did not end by its bound" : ended(end) + " late");
    } else {
      log.info(
          "fault {}: given-up inject {} on {}: {}",
          commands.context().faultId(),
          g.commandId(),
          g.target().id(),
          note(verdict, end, g.settledBy()));
    }
    return verdict;
  }
}
