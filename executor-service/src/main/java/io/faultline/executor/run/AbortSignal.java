package io.faultline.executor.run;

import io.faultline.events.lifecycle.FailureReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Tells a running fault to stop waiting: aborted (roll back, end ABORTED) or released (another
 * executor takes it over: handed over at shutdown, claimed under a higher epoch, or this executor's
 * own heartbeat deadline passed; stop without acting).
 */
final class AbortSignal {
  private final CountDownLatch latch = new CountDownLatch(1);
  private final BooleanSupplier owned;
  private volatile FailureReason reason;
  private volatile boolean released;
  private volatile boolean handedOver;
  // Told once at the first abort or release: a fault parked for its hold has no thread to wake.
  private final List<Runnable> wakers = new ArrayList<>(1);

  /** A signal that releases itself once {@code owned} (this executor's ownership) fails. */
  AbortSignal(BooleanSupplier owned) {
    this.owned = owned;
  }

  /** A signal of a fault this executor always owns (tests). */
  AbortSignal() {
    this(() -> true);
  }

  void abort(FailureReason why) {
    if (reason == null && !released) {
      reason = why;
    }
    wake();
  }

  void release() {
    released = true;
    wake();
  }

  /**
   * Runs {@code waker} at the first abort or release, on the thread that signals it; at once, on
   * this thread, when the fault was signalled already.
   */
  void onWake(Runnable waker) {
    synchronized (wakers) {
      if (latch.getCount() > 0) {
        wakers.add(waker);
        return;
      }
    }
    waker.run();
  }

  private void wake() {
    List<Runnable> waiting;
    synchronized (wakers) {
      latch.countDown();
      waiting = List.copyOf(wakers);
      wakers.clear();
    }
    waiting.forEach(Runnable::run);
  }

  /** Released at a graceful shutdown: the fault is given up in the journal for its next owner. */
  void handOver() {
    handedOver = true;
    release();
  }

  boolean handedOver() {
    return handedOver;
  }

  FailureReason reason() {
    return reason;
  }

  boolean aborted() {
    return reason != null;
  }

  /** Whether the fault was released, without checking ownership again. */
  boolean releasedAlready() {
    return released;
  }

  /** Whether the fault is no longer this executor's to drive (checked again on every call). */
  boolean released() {
    if (!released && !owned.getAsBoolean()) {
      release();
    }
    return released;
  }

  /** Stops a released fault where it stands: it must neither act nor publish any more. */
  void throwIfReleased() {
    if (released()) {
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
