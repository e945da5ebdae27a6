package io.faultline.executor.probe;

import io.faultline.events.probe.RunWatch;
import java.time.Clock;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watches this executor evaluates, by run key: the latest revision of each run on the
 * run-watches partitions it owns. A newer revision replaces the run's older one; a tombstone or the
 * partition moving away stops it.
 */
final class Watches implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Watches.class);

  private final Map<String, WatchRun> active = new ConcurrentHashMap<>();
  private final ProbeRegistry registry;
  private final WatchRun.Sinks sinks;
  private final Clock clock;
  // One platform thread only schedules; every reading runs on a virtual thread of its own.
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("faultline-probe-timer").daemon().factory());
  private final ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor();

  Watches(ProbeRegistry registry, WatchRun.Sinks sinks, Clock clock) {
    this.registry = registry;
    this.sinks = sinks;
    this.clock = clock;
  }

  /** Applies the latest record of a run key on {@code partition}: a watch, or null (tombstone). */
  void apply(int partition, String key, RunWatch watch) {
    if (watch == null) {
      WatchRun ended = active.remove(key);
      if (ended != null) {
        ended.cancel();
        log.info("run {} no longer watched (tombstone)", key);
      }
      return;
    }
    WatchRun[] started = new WatchRun[1];
    active.compute(
        key,
        (k, current) -> {
          if (current != null && current.watch().revision() >= watch.revision()) {
            return current; // the same revision read again (a rebuild), or an older one
          }
          if (current != null) {
            current.cancel();
          }
          started[0] = new WatchRun(watch, partition, registry, sinks, timer, readers, clock);
          return started[0];
        });
    if (started[0] != null) {
      log.info(
          "watching run {} revision {} in {} ({} steady-state, {} stop conditions)",
          key,
          watch.revision(),
          watch.phase(),
          watch.steadyState().size(),
          watch.stopConditions().size());
      started[0].start();
    }
  }

  /** Stops the watches of partitions that moved to another executor. */
  void drop(Collection<Integer> partitions) {
    active
        .values()
        .removeIf(
            run -> {
              if (partitions.contains(run.partition())) {
                run.cancel();
                return true;
              }
              return false;
            });
  }

  /** How many runs are watched here. */
  int size() {
    return active.size();
  }

  @Override
  public void close() {
    active.values().forEach(WatchRun::cancel);
    active.clear();
    timer.shutdownNow();
    readers.shutdownNow();
  }
}
