package io.faultline.scheduler.engine;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.faultline.scheduler.state.Keys;
import io.faultline.scheduler.state.RunStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which runs the engine deletes (with their timelines): an ended run once it ended longer ago than
 * the retention, or once its tenant has more ended runs than it keeps (the oldest go first). A run
 * that has not ended is never chosen, however old; nor is one whose status this version does not
 * know. Pure: the engine reads the runs and deletes what this returns.
 */
final class RunRetention {
  /**
   * At most this many runs go in one sweep, oldest first, so one transaction stays small (a run's
   * timeline has one entry per lifecycle event); the rest go at the next sweep.
   */
  static final int MAX_PER_SWEEP = 500;

  private static final Set<String> ENDED =
      Set.of(
          RunStatus.COMPLETED.name(),
          RunStatus.FAILED.name(),
          RunStatus.ABORTED.name(),
          RunStatus.REFUSED.name());

  private static final Comparator<Entry> OLDEST_FIRST =
      Comparator.comparing(Entry::ended).thenComparing(Entry::runId);

  private RunRetention() {}

  /**
   * What the sweep reads of a stored run; the rest of its JSON (waves, faults) is skipped. The
   * status stays text, so a status added by a newer version is kept rather than misread.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Entry(String tenantId, String runId, String status, Instant startedAt, Instant endedAt) {
    String key() {
      return Keys.of(tenantId, runId);
    }

    boolean hasEnded() {
      return ENDED.contains(status) && ended() != null;
    }

    /** When it ended; a run stored without an end time counts from its start. */
    Instant ended() {
      return endedAt != null ? endedAt : startedAt;
    }
  }

  /**
   * The runs to delete at {@code now}, oldest first, at most {@code atMost}.
   *
   * @param retention an ended run older than this goes (one that ended exactly this long ago stays)
   * @param keepPerTenant at most this many ended runs of a tenant stay, the newest
   */
  static List<Entry> expired(
      Collection<Entry> runs, Instant now, Duration retention, int keepPerTenant, int atMost) {
    Instant cutoff = now.minus(retention);
    Map<String, List<Entry>> endedByTenant =
        runs.stream().filter(Entry::hasEnded).collect(Collectors.groupingBy(Entry::tenantId));
    List<Entry> expired = new ArrayList<>();
    for (List<Entry> ended : endedByTenant.values()) {
      List<Entry> newestFirst = ended.stream().sorted(OLDEST_FIRST.reversed()).toList();
      for (int i = 0; i < newestFirst.size(); i++) {
        Entry run = newestFirst.get(i);
        if (i >= keepPerTenant || run.ended().isBefore(cutoff)) {
          expired.add(run);
        }
      }
    }
    expired.sort(OLDEST_FIRST);
    return List.copyOf(expired.subList(0, Math.min(atMost, expired.size())));
  }
}
