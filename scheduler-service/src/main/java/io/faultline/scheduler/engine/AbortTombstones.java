package io.faultline.scheduler.engine;

import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.scheduler.state.PendingAbort;
import io.faultline.scheduler.state.Run;
import io.faultline.scheduler.state.RunStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the compacted controls topic from growing with every abort ever issued (issue 12 item 7):
 * each ABORT_FAULT / ABORT_RUN the engine publishes is remembered as pending and tombstoned once
 * its fault, or every requested fault of its stopped run, has ended (COMPLETED, FAILED, ABORTED or
 * REJECTED) — never before, so an abort of a fault that has not started yet stays until that fault
 * is over. Halts and resumes are never touched. An abort whose end never shows (a fault id nothing
 * ran, a fault that ended before the abort) is tombstoned after {@code abort-retention}.
 */
final class AbortTombstones {
  private static final Logger log = LoggerFactory.getLogger(EngineProcessor.class);
  private static final Set<String> ENDED = Set.of("COMPLETED", "FAILED", "ABORTED", "REJECTED");
  private static final Set<String> NOT_REQUESTED = Set.of("PLANNED");

  /** At most this many expired aborts per sweep, so one transaction stays small. */
  static final int MAX_EXPIRED_PER_SWEEP = 500;

  private final EngineStores stores;
  private final Dispatch dispatch;

  AbortTombstones(EngineStores stores, Dispatch dispatch) {
    this.stores = stores;
    this.dispatch = dispatch;
  }

  static String faultScope(String tenantId, String faultId) {
    return "fault/" + tenantId + "/" + faultId;
  }

  static String runScope(String tenantId, String runId) {
    return "run/" + tenantId + "/" + runId;
  }

  /** An ABORT_FAULT was published. */
  void faultAborted(String tenantId, String faultId, Instant now) {
    stores.put(new PendingAbort(faultScope(tenantId, faultId), tenantId, now));
  }

  /** An ABORT_RUN was published; tombstoned at once when every fault of the run already ended. */
  void runAborted(Run run, Instant now) {
    stores.put(new PendingAbort(runScope(run.tenantId(), run.runId()), run.tenantId(), now));
    runChanged(run);
  }

  /** A lifecycle event of a fault: its end tombstones the fault's pending abort. */
  void lifecycle(String tenantId, String faultId, LifecycleStage stage) {
    if (!stage.isTerminal() && stage != LifecycleStage.REJECTED) {
      return;
    }
    settle(faultScope(tenantId, faultId), "its fault ended " + stage);
  }

  /** A run was stored: once it stopped and every requested fault of it ended, its abort goes. */
  void runChanged(Run run) {
    if (run.status() == RunStatus.RUNNING || !allEnded(run)) {
      return;
    }
    settle(runScope(run.tenantId(), run.runId()), "every fault of its run ended");
  }

  /** Whether every fault of the run that was requested has ended. */
  static boolean allEnded(Run run) {
    return run.faults().stream()
        .filter(f -> !NOT_REQUESTED.contains(f.stage()))
        .allMatch(f -> ENDED.contains(f.stage()));
  }

  /** Tombstones the aborts issued longer ago than {@code retention}, oldest first. */
  void expire(Instant now, Duration retention) {
    List<PendingAbort> expired =
        stores.pendingAborts().stream()
            .filter(a -> a.issuedAt().plus(retention).isBefore(now))
            .sorted(Comparator.comparing(PendingAbort::issuedAt))
            .limit(MAX_EXPIRED_PER_SWEEP)
            .toList();
    for (PendingAbort abort : expired) {
      settle(abort.scope(), "issued more than " + retention + " ago");
    }
  }

  private void settle(String scope, String why) {
    if (stores.pendingAbort(scope).isEmpty()) {
      return;
    }
    stores.deletePendingAbort(scope);
    dispatch.tombstone(scope);
    log.info("tombstoned the abort {}: {}", scope, why);
  }
}
