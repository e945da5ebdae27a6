package io.faultline.executor.run;

import java.time.Duration;

/** Capped exponential backoff: each wait is twice the one before, up to a cap. One per loop. */
final class Backoff {
  private final Duration max;
  private Duration next;

  /**
   * The first wait is {@code initial} as given (not capped), the later ones at most {@code max}.
   */
  Backoff(Duration initial, Duration max) {
    this.next = initial;
    this.max = max;
  }

  /** The wait to take now. */
  Duration next() {
    Duration now = next;
    Duration doubled = now.multipliedBy(2);
    next = doubled.compareTo(max) > 0 ? max : doubled;
    return now;
  }
}
