package io.faultline.scheduler;

import io.faultline.events.TopicTap;
import io.faultline.events.probe.RunWatch;
import io.faultline.events.topics.Topics;
import java.util.List;
import java.util.Optional;

/**
 * The run watches the scheduler writes, read as an executor would ({@link TopicTap} on {@code
 * faultline.run-watches.v1}), by run: every watch written under a run's key and, once the run
 * ended, its tombstone ({@link Optional#empty()}).
 */
final class RunWatchTap implements AutoCloseable {
  private final TopicTap<RunWatch> tap = new TopicTap<>(Topics.RUN_WATCHES);

  /** What was written under a run key, in order: each watch, or empty for a tombstone. */
  List<Optional<RunWatch>> of(String tenant, String runId) {
    return tap.underKey(tenant + "/" + runId);
  }

  /** The last watch written for the run; empty when none was, or it was tombstoned. */
  Optional<RunWatch> latest(String tenant, String runId) {
    List<Optional<RunWatch>> all = of(tenant, runId);
    return all.isEmpty() ? Optional.empty() : all.getLast();
  }

  @Override
  public void close() {
    tap.close();
  }
}
