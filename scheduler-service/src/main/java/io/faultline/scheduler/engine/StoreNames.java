package io.faultline.scheduler.engine;

import java.util.List;

/** The engine's state stores; each is backed by a compacted changelog topic. */
public final class StoreNames {
  private StoreNames() {}

  public static final String EXPERIMENTS = "experiments";
  public static final String SCHEDULES = "schedules";
  public static final String RUNS = "runs";
  public static final String TENANTS = "tenants";

  /** A run's lifecycle events, keyed {@code tenant/run/<lifecycle offset>}. */
  public static final String TIMELINES = "timelines";

  /**
   * The aborts on the controls topic whose fault or run has not ended yet, keyed by control scope
   * ({@code fault/<tenant>/<id>}, {@code run/<tenant>/<id>}): each is tombstoned once it has.
   */
  public static final String ABORTS = "aborts";

  public static List<String> all() {
    return List.of(EXPERIMENTS, SCHEDULES, RUNS, TENANTS, TIMELINES, ABORTS);
  }
}
