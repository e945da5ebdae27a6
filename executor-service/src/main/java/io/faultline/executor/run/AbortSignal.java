package io.faultline.executor.run;

import io.faultline.events.lifecycle.FailureReason;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Tells a running fault to stop waiting: aborted (roll back, end ABORTED) or released (its
 * partition moved to another executor, which takes it over; stop without acting).
 */
final class AbortSignal {
  private final CountDownLatch latch = new CountDownLatch(1);
  private volatile FailureReason reason;
  private volatile boolean released;

  void abort(FailureReason why) {
    if (reason == null && !released) {
      reason = why;
    }
    latch.countDown();
  }

  void release() {
    released = true;
    latch.countDown();
  }

  FailureReason reason() {
    return reason;
  }

  boolean aborted() {
    return reason != null;
  }

  boolean released() {
    return released;
  }

  /** Stops a released fault where it stands: it must neither act nor publish any more. */
  void throwIfReleased() {
    if (released) {
      throw new Released();
    }
  }

  /** The fault's partition moved away; unwinds the fault's thread without acting or publishing. */
  static final class Released extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private Released() {
      super("released", null, false, false);
    }
  }

  /**
   * Waits up to {@code duration}; returns early when aborted or released.
   *
   * @return true when the full duration passed
   */
  boolean await(Duration duration) {
    if (duration.isZero() || duration.isNegative()) {
      return latch.getCount() > 0;
    }
    try {
      return !latch.await(duration.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      release();
      return false;
    }
  }
}
