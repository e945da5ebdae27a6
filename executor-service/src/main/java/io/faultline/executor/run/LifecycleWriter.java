package io.faultline.executor.run;

import io.faultline.events.decision.FaultApproved;
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.lifecycle.RunningFault;
import io.faultline.events.lifecycle.TargetSample;
import io.faultline.executor.lifecycle.FaultLedger;
import io.faultline.executor.lifecycle.JournalEntry;
import io.faultline.executor.lifecycle.JournalEntry.JournalTarget;
import io.faultline.executor.lifecycle.JournalEntry.Phase;
import io.faultline.executor.observability.ExecutorMetrics;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one fault's lifecycle events, numbered in sequence, each with the journal entry that lets
 * another executor take the fault over: how far it got, its targets and commands, its heading.
 * Nothing is written once the fault's partition has moved to another executor.
 */
final class LifecycleWriter {
  private static final Logger log = LoggerFactory.getLogger(LifecycleWriter.class);

  /** The longest detail an event carries, for the fault and for each target. */
  static final int MAX_DETAIL = 1_000;

  private final FaultApproved approval;
  private final FaultLedger ledger;
  private final String executorId;
  private final int partition;
  private final long offset;
  private final TargetLedger targets;
  private final FaultTrace trace;
  private final AbortSignal signal;
  private final ExecutorMetrics metrics;
  private final Runnable onFirstWrite;
  // The most targets and command ids an event lists (ADR 0009); 0 once the ledger refused one of
  // this fault's records as too large, so its terminal event carries counts only.
  private int eventTargets;

  private long nextSequence;
  // Read by the heartbeat thread (FaultRunner#inFlightFaults).
  private volatile Phase phase;
  // The owner epoch this executor holds the fault under (ADR 0007 §5): 0 fresh, +1 per takeover.
  private volatile long epoch;
  private Instant holdUntil;
  private volatile JournalEntry.SerialHost serialHost;
  private Heading heading;
  private boolean firstWriteDone;
  private boolean finished;

  private LifecycleWriter(
      FaultApproved approval,
      FaultLedger ledger,
      String executorId,
      int partition,
      long offset,
      TargetLedger targets,
      FaultTrace trace,
      AbortSignal signal,
      ExecutorMetrics metrics,
      Runnable onFirstWrite,
      int eventTargets) {
    this.approval = approval;
    this.ledger = ledger;
    this.executorId = executorId;
    this.partition = partition;
    this.offset = offset;
    this.targets = targets;
    this.trace = trace;
    this.signal = signal;
    this.metrics = metrics;
    this.onFirstWrite = onFirstWrite;
    this.eventTargets = eventTargets;
    this.nextSequence = approval.sequence() + 1;
    this.phase = Phase.STARTED;
  }

  /**
   * A writer for a fault that starts here.
   *
   * @param onFirstWrite runs once the fault's first entry is written
   * @param eventTargets the most targets and command ids one event lists
   */
  static LifecycleWriter fresh(
      FaultApproved approval,
      FaultLedger ledger,
      String executorId,
      int partition,
      long offset,
      TargetLedger targets,
      FaultTrace trace,
      AbortSignal signal,
      ExecutorMetrics metrics,
      Runnable onFirstWrite,
      int eventTargets) {
    return new LifecycleWriter(
        approval,
        ledger,
        executorId,
        partition,
        offset,
        targets,
        trace,
        signal,
        metrics,
        onFirstWrite,
        eventTargets);
  }

  /** A writer that continues a journaled fault where its lost executor left it. */
  static LifecycleWriter resumed(
      FaultApproved approval,
      JournalEntry entry,
      FaultLedger ledger,
      String executorId,
      TargetLedger targets,
      FaultTrace trace,
      AbortSignal signal,
      ExecutorMetrics metrics,
      int eventTargets) {
    LifecycleWriter writer =
        new LifecycleWriter(
            approval,
            ledger,
            executorId,
            entry.approvalPartition(),
            entry.approvalOffset(),
            targets,
            trace,
            signal,
            metrics,
            () -> {},
            eventTargets);
    writer.nextSequence = entry.nextSequence();
    writer.phase = entry.phase();
    writer.epoch = entry.epoch() + 1;
    writer.holdUntil = entry.holdUntil();
    writer.serialHost = entry.serial();
    writer.heading = Heading.fromJournal(entry.heading()).orElse(null);
    writer.firstWriteDone = true;
    return writer;
  }

  Phase phase() {
    return phase;
  }

  /** The owner epoch this executor drives the fault under. */
  long epoch() {
    return epoch;
  }

  /** When the hold ends as planned; null before INJECTED. */
  Instant holdUntil() {
    return holdUntil;
  }

  /** Set before INJECTED is written, so the journal carries it for a takeover. */
  void holdUntil(Instant end) {
    holdUntil = end;
  }

  /** Where a serial run is; null for other faults and before the first host. */
  JournalEntry.SerialHost serialHost() {
    return serialHost;
  }

  /** Set before the journal write that records the serial run's step on a host. */
  void serialHost(JournalEntry.SerialHost at) {
    serialHost = at;
  }

  /** Where the fault was heading when it started rolling back; null before. */
  Heading heading() {
    return heading;
  }

  /** Set before ROLLING_BACK is written, so the journal carries it. */
  void headFor(Heading next) {
    heading = next;
  }

  /** Whether the fault's terminal event is written. */
  boolean finished() {
    return finished;
  }

  /** Publishes a step of a running fault (STARTED, TARGETS_RESOLVED, INJECTED, ROLLING_BACK). */
  void event(LifecycleStage stage, String detail) {
    write(stage, phaseAfter(stage), null, detail);
  }

  /**
   * Queues a step without waiting for its commit, so what follows (the rollback) never waits for
   * the broker. The ledger commits in order, so the step is out before or with the next write,
   * which fails as well if it cannot be.
   */
  void eventWithoutWaiting(LifecycleStage stage, String detail) {
    signal.throwIfReleased();
    FaultLifecycleEvent lifecycle = lifecycleEvent(stage, null, truncated(detail));
    nextSequence++;
    phase = phaseAfter(stage);
    ledger
        .submit(lifecycle, trace.traceparent(), entry())
        .whenComplete(
            (ok, failed) -> {
              if (failed != null) {
                log.warn("fault {} {} not written", approval.faultId().value(), stage, failed);
              }
            });
    log.info(
        "fault {} {} (seq {}, queued)", approval.faultId().value(), stage, lifecycle.sequence());
  }

  private static String truncated(String detail) {
    return detail == null || detail.length() <= MAX_DETAIL
        ? detail
        : detail.substring(0, MAX_DETAIL);
  }

  /**
   * Publishes the fault's one terminal event (later calls do nothing). fault.execute ends first,
   * with the stage and reason, so a trace backend has it when a subscriber sees the event.
   */
  void terminal(LifecycleStage stage, FailureReason reason, String detail) {
    if (finished) {
      return;
    }
    signal.throwIfReleased();
    trace.end(stage, reason, detail);
    write(stage, Phase.TERMINAL, reason, detail);
    finished = true;
    metrics.finished(approval.faultType().value(), approval.tenantId().value(), stage, reason);
  }

  /** The journal phase a running fault is in once the event of {@code stage} is out. */
  private static Phase phaseAfter(LifecycleStage stage) {
    return switch (stage) {
      case STARTED -> Phase.STARTED;
      case TARGETS_RESOLVED -> Phase.RESOLVED;
      case INJECTED -> Phase.HOLDING;
      case ROLLING_BACK -> Phase.ROLLING_BACK;
      default -> throw new IllegalArgumentException(stage + " is not a step of a running fault");
    };
  }

  private void write(LifecycleStage stage, Phase next, FailureReason reason, String detail) {
    signal.throwIfReleased();
    FaultLifecycleEvent lifecycle = lifecycleEvent(stage, reason, truncated(detail));
    Phase before = phase;
    nextSequence++;
    phase = next;
    try {
      // fault.execute's trace context: subscribers (and takeover) continue the fault's trace.
      ledger.write(lifecycle, trace.traceparent(), entry(), this::owned);
    } catch (IllegalStateException e) {
      if (!tooLarge(e)) {
        throw e;
      }
      // Nothing was written: the sequence and phase stay free for the event that ends the fault,
      // which then carries counts only.
      nextSequence--;
      phase = before;
      eventTargets = 0;
      throw e;
    }
    if (!firstWriteDone) {
      firstWriteDone = true;
      onFirstWrite.run();
    }
    log.info("fault {} {} (seq {})", approval.faultId().value(), stage, lifecycle.sequence());
  }

  /** The event of {@code stage}, numbered next, with the targets and commands so far. */
  private FaultLifecycleEvent lifecycleEvent(
      LifecycleStage stage, FailureReason reason, String detail) {
    RunningFault fault =
        RunningFault.sampled(
            approval.coordinates(),
            approval.dryRun(),
            approval.parameters(),
            targets.outcomes(),
            targets.commandIds(),
            trace.traceId(),
            eventTargets);
    long sequence = nextSequence;
    Instant now = Instant.now();
    return switch (stage) {
      case STARTED -> FaultLifecycleEvent.started(fault, sequence, now, detail);
      case TARGETS_RESOLVED -> FaultLifecycleEvent.targetsResolved(fault, sequence, now, detail);
      case INJECTED -> FaultLifecycleEvent.injected(fault, sequence, now, detail);
      case ROLLING_BACK -> FaultLifecycleEvent.rollingBack(fault, sequence, now, detail);
      case COMPLETED -> FaultLifecycleEvent.completed(fault, sequence, now, detail);
      case FAILED -> FaultLifecycleEvent.failed(fault, sequence, now, reason, detail);
      case ABORTED -> FaultLifecycleEvent.aborted(fault, sequence, now, reason, detail);
      case APPROVED, REJECTED, LEASE_EXPIRED ->
          throw new IllegalArgumentException(stage + " is not the executor's to write");
    };
  }

  /** Moves the journal to {@code next} without an event. */
  void journal(Phase next) {
    Phase before = phase;
    phase = next;
    signal.throwIfReleased();
    try {
      ledger.write(null, null, entry(), this::owned);
    } catch (IllegalStateException e) {
      if (tooLarge(e)) {
        // Nothing was written, so nothing was sent: the fault ends from where it was.
        phase = before;
        eventTargets = 0;
      }
      throw e;
    }
  }

  /**
   * Claims a taken-over fault: the journal entry of the new epoch, written before the new owner
   * acts, so a stale owner's later writes are refused.
   */
  void claim() {
    signal.throwIfReleased();
    ledger.write(null, null, entry(), this::owned);
  }

  /**
   * Gives a released fault up in the journal (graceful shutdown), so the partition's owner takes it
   * over at once instead of after the takeover grace. Best effort: a failure leaves the grace.
   */
  void handOver() {
    if (finished || !firstWriteDone) {
      return;
    }
    try {
      ledger.write(null, null, entry().handedOver(Instant.now()), () -> true);
      log.info("fault {} handed over (epoch {})", approval.faultId().value(), epoch);
    } catch (RuntimeException e) {
      log.warn(
          "fault {} could not be handed over; another executor takes it over after its grace",
          approval.faultId().value(),
          e);
    }
  }

  /** Whether a write may still be committed: the fault was not released meanwhile. */
  private boolean owned() {
    return !signal.released();
  }

  /** Whether the ledger refused the write because one of its records was too large. */
  private static boolean tooLarge(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof FaultLedger.RecordTooLargeException) {
        return true;
      }
    }
    return false;
  }

  /**
   * The journal state now. Bounded below one record: its targets are the ones acted on (at most the
   * approval's {@code maxTargets}, a policy allows 10,000: ~610 KB at the longest ids), its command
   * ids only those the events list; a terminal entry after a refused record drops its targets
   * (nothing is left to roll back).
   */
  private JournalEntry entry() {
    boolean countsOnly = eventTargets == 0 && phase == Phase.TERMINAL;
    return new JournalEntry(
        approval.faultId().value(),
        approval.tenantId().value(),
        phase,
        nextSequence,
        partition,
        offset,
        trace.traceparent(),
        countsOnly
            ? List.of()
            : targets.list().stream().map(t -> new JournalTarget(t.id(), t.kind())).toList(),
        TargetSample.of(targets.outcomes(), targets.commandIds(), eventTargets).ssmCommandIds(),
        heading == null ? null : heading.journalForm(),
        executorId,
        Instant.now(),
        epoch,
        holdUntil,
        false,
        serialHost);
  }
}
