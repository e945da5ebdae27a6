package io.faultline.scheduler.engine;

import java.time.Duration;

/**
 * How the engine behaves.
 *
 * @param tick how often (wall time) the engine looks for due schedules
 * @param misfireThreshold a fire later than this is "missed" and handled by the schedule's policy
 * @param inMemoryStores keep stores in memory (restored from changelogs at start) instead of
 *     RocksDB
 * @param commandsTopic the commands topic of this deployment
 * @param runRetention an ended run is deleted, with its timeline, this long after it ended
 * @param retainedRunsPerTenant at most this many ended runs of a tenant are kept (the newest)
 * @param runRetentionSweep how often (wall time) the engine deletes the runs past either bound (and
 *     tombstones aborts past {@code abortRetention})
 * @param abortRetention an abort whose end the engine never sees is tombstoned this long after it
 *     was issued
 * @param readingTimeout how long a watch the run waits on may go without a probe reading; null: 3 ×
 *     the watch's longest probe interval + 30 s ({@link WatchTimeouts})
 */
public record EngineSettings(
    Duration tick,
    Duration misfireThreshold,
    boolean inMemoryStores,
    String commandsTopic,
    Duration runRetention,
    int retainedRunsPerTenant,
    Duration runRetentionSweep,
    Duration abortRetention,
    Duration readingTimeout) {

  /** With the default run retention ({@link SchedulerProperties.Bounds#defaults()}). */
  public EngineSettings(
      Duration tick, Duration misfireThreshold, boolean inMemoryStores, String commandsTopic) {
    this(
        tick,
        misfireThreshold,
        inMemoryStores,
        commandsTopic,
        SchedulerProperties.Bounds.defaults());
  }

  EngineSettings(
      Duration tick,
      Duration misfireThreshold,
      boolean inMemoryStores,
      String commandsTopic,
      SchedulerProperties.Bounds bounds) {
    this(tick, misfireThreshold, inMemoryStores, commandsTopic, bounds, null);
  }

  EngineSettings(
      Duration tick,
      Duration misfireThreshold,
      boolean inMemoryStores,
      String commandsTopic,
      SchedulerProperties.Bounds bounds,
      Duration readingTimeout) {
    this(
        tick,
        misfireThreshold,
        inMemoryStores,
        commandsTopic,
        bounds.runRetention(),
        bounds.retainedRunsPerTenant(),
        bounds.runRetentionSweep(),
        bounds.abortRetention(),
        readingTimeout);
  }
}
