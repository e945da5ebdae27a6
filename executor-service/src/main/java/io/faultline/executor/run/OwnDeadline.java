package io.faultline.executor.run;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * This executor's own heartbeat deadline (ADR 0007 §5). Another executor may take a fault over once
 * no heartbeat has named it for the takeover grace, judged by the broker's append times; so this
 * executor stops acting on its faults once none of its heartbeats has been appended for less than
 * that (two thirds of the grace: beats are built before they are appended, and clocks drift).
 *
 * <p>A lapse is final for the faults running when it happened: each fault holds the {@link
 * #generation()} it started under and acts only while it is still current. A beat appended after a
 * lapse (the executor was paused, or the broker unreachable) starts a new generation, so a fault of
 * the old one never acts again, whichever thread wakes first.
 */
public final class OwnDeadline {
  /** What {@link #generation()} answers while the deadline has passed. */
  public static final long LAPSED = -1;

  private final long limitNanos;
  private final LongSupplier nanoClock;
  private long lastAppendedBuiltAt;
  private long generation;
  private boolean lapsed;

  /** A deadline of {@code limit}, counted from now (an executor starts with no fault to lose). */
  public OwnDeadline(Duration limit) {
    this(limit, System::nanoTime);
  }

  /**
   * A deadline on another monotonic clock of nanoseconds (the ownership property's virtual time).
   */
  public OwnDeadline(Duration limit, LongSupplier nanoClock) {
    if (limit.isNegative() || limit.isZero()) {
      throw new IllegalArgumentException("deadline must be positive, not " + limit);
    }
    this.limitNanos = limit.toNanos();
    this.nanoClock = nanoClock;
    this.lastAppendedBuiltAt = nanoClock.getAsLong();
  }

  /**
   * The deadline of a takeover grace: two thirds of it, so a beat may take a third of the grace to
   * be appended and this executor still stops a third of the grace before anyone takes over.
   */
  public static OwnDeadline forTakeoverGrace(Duration takeoverGrace) {
    return forTakeoverGrace(takeoverGrace, System::nanoTime);
  }

  /** {@link #forTakeoverGrace(Duration)} on another clock. */
  public static OwnDeadline forTakeoverGrace(Duration takeoverGrace, LongSupplier nanoClock) {
    return new OwnDeadline(takeoverGrace.multipliedBy(2).dividedBy(3), nanoClock);
  }

  /**
   * A heartbeat built at {@code builtAtNanos} ({@link System#nanoTime()}) was appended by the
   * broker.
   */
  public synchronized void appended(long builtAtNanos) {
    if (builtAtNanos - lastAppendedBuiltAt <= 0) {
      return;
    }
    if (builtAtNanos - lastAppendedBuiltAt >= limitNanos) {
      lapse();
    }
    lastAppendedBuiltAt = builtAtNanos;
    lapsed = false;
  }

  /** The current generation, or {@link #LAPSED} while the deadline has passed. */
  public synchronized long generation() {
    if (!lapsed && nanoClock.getAsLong() - lastAppendedBuiltAt >= limitNanos) {
      lapse();
    }
    return lapsed ? LAPSED : generation;
  }

  /** Whether a fault started under {@code generation} may still act. */
  public boolean holds(long generation) {
    return generation != LAPSED && generation() == generation;
  }

  private void lapse() {
    if (!lapsed) {
      generation++;
      lapsed = true;
    }
  }
}
