package io.faultline.benchmarks.jvm;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The driver's waits. What they wait for (a port, a health answer, decisions counted by another
 * thread) is observed by polling; a wait that times out says what it waited for.
 */
public final class Poll {
  private Poll() {}

  public static void until(
      BooleanSupplier done, Duration timeout, java.util.function.Supplier<String> what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + timeout + ": " + what.get());
      }
      pause(Duration.ofMillis(20));
    }
  }

  public static void pause(Duration duration) {
    LockSupport.parkNanos(duration.toNanos());
    if (Thread.interrupted()) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
  }
}
