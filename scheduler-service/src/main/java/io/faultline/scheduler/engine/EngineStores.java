package io.faultline.scheduler.engine;

import io.faultline.scheduler.state.Experiment;
import io.faultline.scheduler.state.Keys;
import io.faultline.scheduler.state.PendingAbort;
import io.faultline.scheduler.state.Run;
import io.faultline.scheduler.state.RunStatus;
import io.faultline.scheduler.state.Schedule;
import io.faultline.scheduler.state.StateJson;
import io.faultline.scheduler.state.TenantState;
import io.faultline.scheduler.state.TimelineEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/** The engine's stores of one task, read and written as the state records they hold (JSON). */
final class EngineStores {
  private final KeyValueStore<String, byte[]> experiments;
  private final KeyValueStore<String, byte[]> schedules;
  private final KeyValueStore<String, byte[]> runs;
  private final KeyValueStore<String, byte[]> tenants;
  private final KeyValueStore<String, byte[]> timelines;
  private final KeyValueStore<String, byte[]> aborts;

  EngineStores(ProcessingContext context) {
    experiments = context.getStateStore(StoreNames.EXPERIMENTS);
    schedules = context.getStateStore(StoreNames.SCHEDULES);
    runs = context.getStateStore(StoreNames.RUNS);
    tenants = context.getStateStore(StoreNames.TENANTS);
    timelines = context.getStateStore(StoreNames.TIMELINES);
    aborts = context.getStateStore(StoreNames.ABORTS);
  }

  Optional<Experiment> experiment(String tenantId, String experimentId) {
    return read(experiments, Keys.of(tenantId, experimentId), Experiment.class);
  }

  void put(Experiment e) {
    experiments.put(e.key(), StateJson.write(e));
  }

  void deleteExperiment(String key) {
    experiments.delete(key);
  }

  Optional<Schedule> schedule(String key) {
    return read(schedules, key, Schedule.class);
  }

  /** Every schedule of the task that matches, read before any is changed. */
  List<Schedule> schedules(Predicate<Schedule> matching) {
    List<Schedule> found = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> all = schedules.all()) {
      all.forEachRemaining(
          entry -> {
            Schedule s = StateJson.read(entry.value, Schedule.class);
            if (matching.test(s)) {
              found.add(s);
            }
          });
    }
    return found;
  }

  void put(Schedule s) {
    schedules.put(s.key(), StateJson.write(s));
  }

  void deleteSchedule(String key) {
    schedules.delete(key);
  }

  boolean hasRun(String key) {
    return runs.get(key) != null;
  }

  Optional<Run> run(String key) {
    return read(runs, key, Run.class);
  }

  void put(Run run) {
    runs.put(run.key(), StateJson.write(run));
  }

  /** What the retention sweep needs of every run of the task. */
  List<RunRetention.Entry> runEntries() {
    List<RunRetention.Entry> found = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> all = runs.all()) {
      all.forEachRemaining(
          entry -> found.add(StateJson.read(entry.value, RunRetention.Entry.class)));
    }
    return found;
  }

  /** The runs of the task that are still running with a watch (for {@link WatchTimeouts}). */
  List<Run> watchedRuns() {
    List<Run> found = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> all = runs.all()) {
      all.forEachRemaining(
          entry -> {
            RunRetention.Entry light = StateJson.read(entry.value, RunRetention.Entry.class);
            if (RunStatus.RUNNING.name().equals(light.status())) {
              Run run = StateJson.read(entry.value, Run.class);
              if (run.watch() != null) {
                found.add(run);
              }
            }
          });
    }
    return found;
  }

  /**
   * Deletes a run and every entry of its timeline.
   *
   * @return how many timeline entries went with it
   */
  int deleteRun(String runKey) {
    List<String> entries = new ArrayList<>();
    // Collected first: a store is not changed under its own open iterator.
    try (KeyValueIterator<String, byte[]> timeline =
        timelines.prefixScan(runKey + "/", new StringSerializer())) {
      timeline.forEachRemaining(entry -> entries.add(entry.key));
    }
    entries.forEach(timelines::delete);
    runs.delete(runKey);
    return entries.size();
  }

  Optional<TenantState> tenant(String tenantId) {
    return read(tenants, tenantId, TenantState.class);
  }

  void put(TenantState state) {
    tenants.put(state.tenantId(), StateJson.write(state));
  }

  /**
   * Every tenant of the task whose stored state mentions {@code field} and matches, read before any
   * is changed; the others are not even parsed (a cheap byte scan of each record).
   */
  List<TenantState> tenants(String field, Predicate<TenantState> matching) {
    byte[] needle = field.getBytes(StandardCharsets.UTF_8);
    List<TenantState> found = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> all = tenants.all()) {
      while (all.hasNext()) {
        KeyValue<String, byte[]> entry = all.next();
        if (!contains(entry.value, needle)) {
          continue;
        }
        TenantState state = StateJson.read(entry.value, TenantState.class);
        if (matching.test(state)) {
          found.add(state);
        }
      }
    }
    return found;
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /**
   * One entry per lifecycle event, keyed by its lifecycle offset: ordered, and a run record never
   * grows with its timeline (changelog records stay far below the broker's size limit).
   */
  void putTimeline(String runKey, long offset, TimelineEntry entry) {
    timelines.put(timelineKey(runKey, offset), StateJson.write(entry));
  }

  /** {@code tenant/run/<offset, 19 digits>}: a prefix scan of {@code tenant/run/} is in order. */
  static String timelineKey(String runKey, long offset) {
    return runKey + "/" + String.format("%019d", offset);
  }

  Optional<PendingAbort> pendingAbort(String scope) {
    return read(aborts, scope, PendingAbort.class);
  }

  void put(PendingAbort abort) {
    aborts.put(abort.scope(), StateJson.write(abort));
  }

  void deletePendingAbort(String scope) {
    aborts.delete(scope);
  }

  /** Every pending abort of the task, read before any is changed. */
  List<PendingAbort> pendingAborts() {
    List<PendingAbort> found = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> all = aborts.all()) {
      all.forEachRemaining(entry -> found.add(StateJson.read(entry.value, PendingAbort.class)));
    }
    return found;
  }

  private static <T> Optional<T> read(KeyValueStore<String, byte[]> store, String key, Class<T> t) {
    byte[] value = store.get(key);
    return value == null ? Optional.empty() : Optional.of(StateJson.read(value, t));
  }
}
