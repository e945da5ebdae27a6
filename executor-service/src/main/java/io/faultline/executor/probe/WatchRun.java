package io.faultline.executor.probe;

import io.faultline.events.probe.ProbeReading;
import io.faultline.events.probe.RunEvent;
import io.faultline.events.probe.RunEventKind;
import io.faultline.events.probe.RunWatch;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watch revision being evaluated here: each probe read on its own interval (the first reading
 * at once), each reading on a virtual thread, its outcomes published in the order decided. A
 * probe's next reading is scheduled when its last one is done, so a slow probe is never read twice
 * at once.
 */
final class WatchRun {
  private static final Logger log = LoggerFactory.getLogger(WatchRun.class);

  /** Where a run's outcomes go. */
  record Sinks(RunEventPublisher events, BreachAborts aborts) {}

  private final RunWatch watch;
  private final int partition;
  private final WatchState state;
  private final ProbeRegistry registry;
  private final Sinks sinks;
  private final ScheduledExecutorService timer;
  private final ExecutorService readers;
  private final Clock clock;
  private final ProbeContext context;
  private volatile boolean cancelled;

  WatchRun(
      RunWatch watch,
      int partition,
      ProbeRegistry registry,
      Sinks sinks,
      ScheduledExecutorService timer,
      ExecutorService readers,
      Clock clock) {
    this.watch = watch;
    this.partition = partition;
    this.state = new WatchState(watch);
    this.registry = registry;
    this.sinks = sinks;
    this.timer = timer;
    this.readers = readers;
    this.clock = clock;
    this.context = ProbeContext.of(watch);
  }

  RunWatch watch() {
    return watch;
  }

  int partition() {
    return partition;
  }

  void start() {
    List<Outcome> first;
    synchronized (state) {
      first = state.start();
    }
    emit(first, clock.instant());
    for (WatchedProbe probe : state.probes()) {
      schedule(probe, Duration.ZERO);
    }
    if (watch.bakeUntil() != null) {
      Duration left = Duration.between(clock.instant(), watch.bakeUntil());
      timer.schedule(
          () -> readers.execute(this::bakeEnded),
          Math.max(0, left.toMillis()),
          TimeUnit.MILLISECONDS);
    }
  }

  /** Stops reading (a newer revision, a tombstone, or its partition moved away). */
  void cancel() {
    cancelled = true;
  }

  private void schedule(WatchedProbe probe, Duration delay) {
    if (cancelled) {
      return;
    }
    try {
      timer.schedule(
          () -> readers.execute(() -> read(probe)), delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      cancelled = true; // the executor is closing
    }
  }

  private void read(WatchedProbe probe) {
    try {
      readOnce(probe);
    } catch (RuntimeException e) {
      // Nothing a reading or a publication throws may end the probe's rhythm.
      log.error(
          "run {}/{}: reading probe {} failed; reading it again in one interval",
          watch.tenantId(),
          watch.runId(),
          probe.name(),
          e);
      schedule(probe, Duration.ofSeconds(probe.definition().intervalSeconds()));
    }
  }

  private void readOnce(WatchedProbe probe) {
    if (cancelled) {
      return;
    }
    Instant started = clock.instant();
    ProbeReading reading = registry.read(probe.definition(), context);
    Instant at = clock.instant();
    if (cancelled) {
      return;
    }
    List<Outcome> outcomes;
    boolean again;
    synchronized (state) {
      outcomes = state.onReading(probe, reading);
      again = !state.done(probe);
    }
    emit(outcomes, at);
    if (again) {
      Duration interval = Duration.ofSeconds(probe.definition().intervalSeconds());
      Duration spent = Duration.between(started, clock.instant());
      schedule(probe, spent.compareTo(interval) >= 0 ? Duration.ZERO : interval.minus(spent));
    }
  }

  private void bakeEnded() {
    if (cancelled) {
      return;
    }
    List<Outcome> outcomes;
    synchronized (state) {
      outcomes = state.onBakeEnd();
    }
    emit(outcomes, clock.instant());
  }

  private void emit(List<Outcome> outcomes, Instant at) {
    for (Outcome outcome : outcomes) {
      if (outcome.kind() == RunEventKind.STOP_CONDITION_BREACHED) {
        // The abort first: it is what rolls faults back; the event reports it.
        sinks.aborts().abort(watch, outcome.probe(), outcome.reading(), at);
      }
      sinks.events().publish(event(outcome, at));
      if (outcome.kind() != RunEventKind.PROBE_READING) {
        log.info(
            "run {}/{} revision {}: {} {}",
            watch.tenantId(),
            watch.runId(),
            watch.revision(),
            outcome.kind(),
            outcome.detail());
      }
    }
  }

  private RunEvent event(Outcome outcome, Instant at) {
    return new RunEvent(
        UUID.randomUUID().toString(),
        watch.tenantId(),
        watch.runId(),
        outcome.kind(),
        outcome.probe(),
        outcome.reading(),
        watch.phase(),
        watch.wave(),
        watch.revision(),
        at,
        null,
        outcome.detail());
  }
}
