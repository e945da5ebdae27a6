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
 */
public record EngineSettings(
    Duration tick, Duration misfireThreshold, boolean inMemoryStores, String commandsTopic) {}
