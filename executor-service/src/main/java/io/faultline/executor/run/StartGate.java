package io.faultline.executor.run;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Bounds how many faults start at once: from approval to the hold they park for (or their end); a
 * second gate bounds how many roll back at once after their hold. Tens of thousands of approvals
 * arriving together otherwise each got a thread at once, and their stacks and buffers filled the
 * heap until the executor spent its time collecting garbage and missed its own heartbeat deadline
 * (issue 16, P3). The rest wait in order, with no thread; a start waits at most as long as its
 * approval's start deadline lets it (then it ends {@code ABORTED APPROVAL_EXPIRED}, as before).
 * Thread-safe.
 */
final class StartGate {
  private final int limit;
  private final Queue<Consumer<Pass>> waiting = new ArrayDeque<>();
  private int starting;

  /**
   * A gate of {@code limit} at once ({@code faultline.executor.run.max-starting}, {@code
   * max-rolling-back}).
   */
  StartGate(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("a start gate needs at least 1 place, not " + limit);
    }
    this.limit = limit;
  }

  /**
   * Runs {@code start} now when fewer than the limit are starting, else once a place is free; it is
   * given the pass it {@link Pass#leave leaves} by when it no longer counts as starting.
   */
  void enter(Consumer<Pass> start) {
    synchronized (this) {
      if (starting >= limit) {
        waiting.add(start);
        return;
      }
      starting++;
    }
    start.accept(new Pass());
  }

  private void left() {
    Consumer<Pass> next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) {
        starting--;
        return;
      }
    }
    next.accept(new Pass());
  }

  /** One start's place: left once, however often {@link #leave} is called. */
  final class Pass {
    private final AtomicBoolean left = new AtomicBoolean();

    /** The start has parked, ended or begun a long wait: the next waiting one takes its place. */
    void leave() {
      if (left.compareAndSet(false, true)) {
        left();
      }
    }
  }

  /** How many wait for a place now (the {@code faultline.executor.faults.waiting} gauge). */
  synchronized int waiting() {
    return waiting.size();
  }
}
