package io.faultline.benchmarks.flow;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds or a deadline passes, checking the services stay alive. */
final class Waits {
  private Waits() {}

  /** Waits for {@code condition}; false when {@code timeout} passed first. */
  static boolean until(BenchPlatform platform, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      platform.assertAlive();
      if (System.nanoTime() > deadline) {
        return false;
      }
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
    return true;
  }

  /** Waits until {@code at} ({@link System#nanoTime()}), for pacing a load. */
  static void pace(long at) {
    for (long left = at - System.nanoTime(); left > 0; left = at - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }
}
