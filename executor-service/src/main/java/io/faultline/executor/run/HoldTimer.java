package io.faultline.executor.run;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Wakes parked faults ({@link Hold}): at the end of the hold, or at once on an abort or release.
 * One platform thread serves every timer; a wake only starts the fault's next thread.
 */
final class HoldTimer implements AutoCloseable {
  private final ScheduledThreadPoolExecutor timer =
      new ScheduledThreadPoolExecutor(
          1, Thread.ofPlatform().name("faultline-holds").daemon().factory());

  HoldTimer() {
    // An aborted hold's timer goes at once, not at the hold's planned end.
    timer.setRemoveOnCancelPolicy(true);
  }

  /**
   * Calls {@code wake} exactly once: with true when {@code duration} passed, with false when {@code
   * signal} was aborted or released first (or this timer is closed).
   */
  void park(Duration duration, AbortSignal signal, Consumer<Boolean> wake) {
    AtomicBoolean woken = new AtomicBoolean();
    ScheduledFuture<?> due;
    try {
      due =
          timer.schedule(
              () -> {
                if (woken.compareAndSet(false, true)) {
                  wake.accept(true);
                }
              },
              Math.max(0, duration.toNanos()),
              TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closed) {
      wake.accept(false);
      return;
    }
    signal.onWake(
        () -> {
          if (woken.compareAndSet(false, true)) {
            due.cancel(false);
            wake.accept(false);
          }
        });
  }

  /** Faults parked then are woken only by their signal (the runner releases every one). */
  @Override
  public void close() {
    timer.shutdownNow();
  }
}
