package io.faultline.executor.fault.local;

import java.time.Duration;

/**
 * A document run on this host, started by {@link LocalDocumentRunner#start}. Thread-safe; every
 * method returns at once except {@link #await(Duration)}.
 */
public interface LocalRun {
  /** Whether every step has finished (or the run was cancelled and its processes reaped). */
  boolean isDone();

  /**
   * The exit code of the last step that ran: 0 when every step succeeded, the failing step's code
   * otherwise, 137 when cancelled or killed (SIGKILL), -1 when the run could not be started.
   *
   * @throws IllegalStateException when the run is not done yet
   */
  int exitCode();

  /** Standard output and standard error interleaved, as far as produced so far. */
  String output();

  /**
   * Waits until the run is done.
   *
   * @return {@code true} when done, {@code false} when the timeout elapsed first
   */
  boolean await(Duration timeout) throws InterruptedException;

  /**
   * Kills the whole process group of the running step with SIGKILL, like SSM CancelCommand; later
   * steps do not start. It does NOT run the rollback: whatever the script armed before it was
   * killed (its dead-man revert) is what restores the host. Idempotent.
   */
  void cancel();
}
