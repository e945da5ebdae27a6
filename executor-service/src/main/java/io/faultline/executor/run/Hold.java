package io.faultline.executor.run;

import java.time.Duration;

/**
 * A fault parked for its hold with no thread of its own. A parked virtual thread keeps its stack
 * and its thread-locals (log context, JSON buffers) for the whole hold, several KiB per fault; with
 * tens of thousands of faults held at once that was most of an executor's heap (issue 16, P3). The
 * {@link HoldTimer} resumes the fault on a new thread when the hold ends or an abort or release
 * ends it sooner.
 *
 * @param duration how long the hold lasts unless an abort or release ends it sooner
 * @param after the rest of the fault, run on the new thread in the fault's span and log context
 */
record Hold(Duration duration, After after) {

  /** The rest of a fault after its hold. */
  @FunctionalInterface
  interface After {
    /**
     * @param full whether the whole hold passed (false: an abort or release woke the fault)
     * @return a further hold, or null once the fault has ended (or was released)
     */
    Hold resume(boolean full);
  }
}
