package io.faultline.executor.run;

import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.TargetStatus;
import io.faultline.events.tracing.FaultSpans;
import io.faultline.executor.fault.Backoff;
import io.faultline.executor.fault.CommandTransport;
import io.faultline.executor.fault.CommandTransport.DocumentVersion;
import io.faultline.executor.fault.CommandTransport.Invocation;
import io.faultline.executor.fault.DocumentCall;
import io.faultline.executor.fault.FaultContext;
import io.faultline.executor.fault.FaultSpec;
import io.faultline.executor.fault.Target;
import io.faultline.executor.fault.TransportException;
import io.opentelemetry.api.trace.Span;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one direction (inject or rollback) of a fault's document calls on its targets: sends each
 * call in batches of at most 50 instances with a delivery timeout ({@link CommandBounds}), polls
 * every invocation with capped exponential backoff until it is done or timed out, and records each
 * target's outcome in the {@link TargetLedger}. An inject it stops waiting for (timed out, or cut
 * short by an abort) is cancelled and remembered as given up, so the rollback can learn how it
 * ended ({@link LateInjects}). One span per command.
 */
final class CommandRound {
  private static final Logger log = LoggerFactory.getLogger(CommandRound.class);
  private static final int MAX_POLL_ERRORS = 5;

  /**
   * Which way a round acts. An inject stops at an abort (cancelling the commands still running); a
   * rollback reaches every target whatever happens, because every target it skips stays broken
   * until the host's own timer fires.
   */
  enum Direction {
    INJECT(
        FaultSpans.INJECT, FailureReason.INJECT, TargetStatus.INJECTED, TargetStatus.INJECT_FAILED),
    ROLLBACK(
        FaultSpans.ROLLBACK,
        FailureReason.ROLLBACK,
        TargetStatus.ROLLED_BACK,
        TargetStatus.ROLLBACK_FAILED);

    final String spanName;
    final FailureReason failReason;
    final TargetStatus ok;
    final TargetStatus failed;

    Direction(String spanName, FailureReason failReason, TargetStatus ok, TargetStatus failed) {
      this.spanName = spanName;
      this.failReason = failReason;
      this.ok = ok;
      this.failed = failed;
    }

    DocumentCall call(FaultSpec spec, Target target, FaultContext context) {
      return this == INJECT ? spec.inject(target, context) : spec.rollback(target, context);
    }

    boolean stoppable() {
      return this == INJECT;
    }

    /**
     * Whether a command the round stops waiting for is cancelled. Never a rollback: a rollback
     * disarms the host's dead-man before it reverts, so one killed midway could leave the fault in
     * place with nothing left to revert it.
     */
    boolean cancellable() {
      return this == INJECT;
    }
  }

  /**
   * Decides, just before an inject batch is sent, which of its targets may receive it; may stop the
   * fault (abort its signal), and then admits none.
   */
  interface Gate {
    /** Every target passes. */
    Gate OPEN = batch -> batch;

    List<Target> admit(List<Target> batch);
  }

  /** One instance of one sent command, and when that command has ended at the latest. */
  private record Pending(String commandId, Target target, Instant settledBy) {}

  private final Direction direction;
  private final CommandTransport transport;
  private final DocumentVersion version;
  private final FaultSpec spec;
  private final FaultContext context;
  private final FaultTrace trace;
  private final TargetLedger targets;
  private final AbortSignal signal;
  private final RunSettings settings;
  private final CommandBounds bounds;
  private final String comment;
  private final Gate gate;

  CommandRound(
      Direction direction,
      CommandContext commands,
      FaultTrace trace,
      TargetLedger targets,
      AbortSignal signal,
      RunSettings settings) {
    this(direction, commands, trace, targets, signal, settings, Gate.OPEN);
  }

  /**
   * @param gate asked before each inject batch (never before a rollback: a rollback reaches every
   *     target the fault may have touched)
   */
  CommandRound(
      Direction direction,
      CommandContext commands,
      FaultTrace trace,
      TargetLedger targets,
      AbortSignal signal,
      RunSettings settings,
      Gate gate) {
    this.direction = direction;
    this.gate = gate;
    this.transport = commands.session();
    this.version = commands.version();
    this.spec = commands.spec();
    this.context = commands.context();
    this.trace = trace;
    this.targets = targets;
    this.signal = signal;
    this.settings = settings;
    this.bounds = new CommandBounds(settings.commandTimeout());
    // Short and non-secret: the trace id leads from SSM's command history to the fault's trace.
    this.comment = "faultline trace=" + context.traceId() + " fault=" + context.faultId();
  }

  /**
   * Acts on every target of the ledger at once: one command per batch of targets sharing a document
   * call. A serial fault's one-target-at-a-time order is {@link SerialRun}'s, which hands this
   * round one target at a time.
   *
   * @return false when a target failed, or a target still acted on has no result (the round was cut
   *     short)
   */
  boolean run() {
    return run(targets.list());
  }

  /** As {@link #run()}, on some of the ledger's targets only. */
  boolean run(List<Target> all) {
    Map<DocumentCall, List<Target>> groups = new LinkedHashMap<>();
    for (Target target : all) {
      groups
          .computeIfAbsent(direction.call(spec, target, context), c -> new ArrayList<>())
          .add(target);
    }
    Collection<Invocation> results = send(groups);
    // A target the gate excluded left the ledger's targets: it needs no result.
    long actedOn = all.stream().filter(targets::actsOn).count();
    return results.size() == actedOn && results.stream().allMatch(CommandRound::succeeded);
  }

  private static boolean succeeded(Invocation invocation) {
    return invocation.status() == Invocation.Status.SUCCESS;
  }

  /** One round of commands: the results it has when it ends. */
  private Collection<Invocation> send(Map<DocumentCall, List<Target>> groups) {
    Map<String, CommandSpan> spans = new LinkedHashMap<>();
    try {
      return sendAndPoll(groups, spans).values();
    } finally {
      // Cut short by an abort, or by the partition moving to another executor (which finishes it).
      FailureReason stoppedBy =
          signal.aborted()
              ? signal.reason()
              : signal.released() ? FailureReason.EXECUTOR_LOST : null;
      spans.values().forEach(span -> span.cutShort(stoppedBy));
    }
  }

  private Map<Pending, Invocation> sendAndPoll(
      Map<DocumentCall, List<Target>> groups, Map<String, CommandSpan> spans) {
    List<Pending> pending = new ArrayList<>();
    Map<Pending, Invocation> results = new LinkedHashMap<>();
    batches:
    for (Map.Entry<DocumentCall, List<Target>> group : groups.entrySet()) {
      List<Target> all = group.getValue();
      for (int i = 0; i < all.size(); i += CommandTransport.MAX_INSTANCES_PER_COMMAND) {
        List<Target> batch =
            all.subList(i, Math.min(all.size(), i + CommandTransport.MAX_INSTANCES_PER_COMMAND));
        if (direction.stoppable()) {
          // An abort or halt stops the injects not sent yet; the gate may narrow the batch.
          batch = signal.aborted() ? List.of() : gate.admit(batch);
          if (signal.aborted()) {
            break batches;
          }
          if (batch.isEmpty()) {
            continue;
          }
        }
        Span span = trace.command(direction.spanName, batch.size());
        Duration execution = CommandBounds.executionTimeout(group.getKey().document());
        Instant sentAt = Instant.now();
        // A fault this executor no longer owns sends nothing (its new owner acts).
        signal.throwIfReleased();
        try {
          String commandId =
              transport.send(
                  version,
                  batch.stream().map(Target::id).toList(),
                  group.getKey().parameters(),
                  comment,
                  bounds.deliveryTimeout(execution));
          if (signal.released()) {
            // Sent as ownership was lost (paused or cut off while sending): say so; its new owner
            // rolls the fault back.
            log.warn(
                "{} command {} to {} instances was in flight when this executor lost the fault"
                    + " (its heartbeat deadline passed or another executor claimed it)",
                direction,
                commandId,
                batch.size());
          }
          span.setAttribute(FaultSpans.SSM_COMMAND_ID, commandId);
          spans.put(commandId, new CommandSpan(span, direction.failReason, batch.size()));
          targets.sent(commandId);
          Instant settledBy = bounds.settledBy(sentAt, execution);
          batch.forEach(t -> pending.add(new Pending(commandId, t, settledBy)));
        } catch (TransportException e) {
          FaultSpans.fail(
              span, direction.failReason.name(), FaultTrace.brief("not sent: " + e.getMessage()));
          span.end();
          for (Target t : batch) {
            Pending p = new Pending(null, t, sentAt);
            results.put(p, new Invocation(Invocation.Status.FAILED, "not sent: " + e.getMessage()));
            record(p, results.get(p), spans);
          }
        }
      }
    }
    Backoff backoff = new Backoff(settings.pollInitial(), settings.pollMax());
    Instant deadline = Instant.now().plus(settings.commandTimeout());
    Map<Pending, Integer> errors = new LinkedHashMap<>();
    while (true) {
      for (Pending p : pending) {
        if (results.containsKey(p)) {
          continue;
        }
        try {
          Invocation invocation = transport.invocation(p.commandId(), p.target().id());
          if (invocation.status().done()) {
            results.put(p, invocation);
            record(p, invocation, spans);
          }
        } catch (TransportException e) {
          if (errors.merge(p, 1, Integer::sum) >= MAX_POLL_ERRORS) {
            Invocation failed =
                new Invocation(Invocation.Status.FAILED, "cannot read: " + e.getMessage());
            results.put(p, failed);
            record(p, failed, spans);
          }
        }
      }
      if (pending.stream().allMatch(results::containsKey)) {
        return results;
      }
      if (Instant.now().isAfter(deadline)) {
        List<Pending> unfinished = pending.stream().filter(p -> !results.containsKey(p)).toList();
        for (Pending p : unfinished) {
          Invocation timedOut =
              new Invocation(
                  Invocation.Status.TIMED_OUT,
                  "no result within " + settings.commandTimeout().toSeconds() + " s");
          results.put(p, timedOut);
          record(p, timedOut, spans);
        }
        if (direction.cancellable()) {
          giveUp(unfinished, FailureReason.TIMEOUT);
        }
        return results;
      }
      Duration wait = backoff.next();
      if (direction.stoppable()) {
        if (!signal.await(wait)) {
          // A released fault does not act: its new owner rolls back.
          if (signal.aborted() && direction.cancellable()) {
            giveUp(pending.stream().filter(p -> !results.containsKey(p)).toList(), signal.reason());
          }
          return results;
        }
      } else {
        try {
          // A rollback's polling pause, which an abort must not cut short.
          Thread.sleep(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return results;
        }
      }
    }
  }

  /**
   * Stops waiting for the commands still running: cancels each on the instances without a result,
   * notes on each target whether the cancel was accepted, and remembers the command as given up
   * there, so the rollback learns how it ended ({@link LateInjects}).
   *
   * @param cause TIMEOUT (the command timeout passed), ABORTED or HALTED
   */
  private void giveUp(List<Pending> unfinished, FailureReason cause) {
    Map<String, List<Pending>> byCommand = new LinkedHashMap<>();
    for (Pending p : unfinished) {
      byCommand.computeIfAbsent(p.commandId(), id -> new ArrayList<>()).add(p);
    }
    String why =
        cause == FailureReason.TIMEOUT
            ? "inject given up after " + settings.commandTimeout().toSeconds() + " s"
            : "inject cut short (" + cause + ")";
    for (Map.Entry<String, List<Pending>> command : byCommand.entrySet()) {
      String commandId = command.getKey();
      List<String> instanceIds = command.getValue().stream().map(p -> p.target().id()).toList();
      String outcome;
      try {
        transport.cancel(commandId, instanceIds);
        outcome = "CancelCommand accepted";
        trace.cancelled(cause, true);
        log.info(
            "cancelled command {} on {} of fault {} ({})",
            commandId,
            instanceIds,
            context.faultId(),
            cause);
      } catch (TransportException e) {
        // moto (and a throttled SSM) may refuse: reported on each target, the rollback runs anyway
        // and learns how the command ended.
        outcome = "CancelCommand refused: " + e.getMessage();
        trace.cancelled(cause, false);
        log.warn(
            "CancelCommand {} on {} of fault {} ({}) refused, rolling back anyway: {}",
            commandId,
            instanceIds,
            context.faultId(),
            cause,
            e.getMessage());
      }
      for (Pending p : command.getValue()) {
        targets.note(p.target(), why + ", " + outcome);
        targets.gaveUp(p.target(), commandId, p.settledBy());
      }
    }
  }

  private void record(Pending p, Invocation invocation, Map<String, CommandSpan> spans) {
    boolean ok = succeeded(invocation);
    TargetResult result = TargetResult.of(invocation);
    String detail = result.detail();
    if (!ok && detail == null) {
      detail = invocation.status().name().toLowerCase(Locale.ROOT);
    }
    CommandSpan span = p.commandId() == null ? null : spans.get(p.commandId());
    if (span != null) {
      span.done(ok, p.target().id() + ": " + detail);
    }
    targets.record(
        p.target(),
        ok ? direction.ok : direction.failed,
        p.commandId(),
        detail,
        result.processes());
  }
}
