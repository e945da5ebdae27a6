package io.faultline.executor.fault;

import java.time.Duration;

/**
 * Capped exponential backoff for a polling loop (the runner's command polling, a fault's own
 * verification): each wait is twice the one before, up to a cap. Not thread-safe; one per loop.
 */
public final class Backoff {
  private final Duration max;
  private Duration next;

  /**
   * The first wait is {@code initial} as given (not capped), the later ones at most {@code max}.
   */
  public Backoff(Duration initial, Duration max) {
    this.next = initial;
    this.max = max;
  }

  /** The wait to take now. */
  public Duration next() {
    Duration now = next;
    Duration doubled = now.multipliedBy(2);
    next = doubled.compareTo(max) > 0 ? max : doubled;
    return now;
  }
}
