package io.faultline.executor;

import java.time.Duration;

/** Start-up's one wait: a reader whose state must be whole before anything acts on it. */
final class CaughtUp {
  /** How long start-up waits for each reader. */
  static final Duration LIMIT = Duration.ofSeconds(60);

  /** A reader's {@code awaitCaughtUp}. */
  @FunctionalInterface
  interface Reader {
    boolean awaitCaughtUp(Duration timeout) throws InterruptedException;
  }

  private CaughtUp() {}

  /**
   * Waits for {@code reader}; throws naming {@code what} was not read in time.
   *
   * @throws IllegalStateException when it is not caught up within {@link #LIMIT} or the wait is
   *     interrupted
   */
  static void await(String what, Reader reader) {
    try {
      if (!reader.awaitCaughtUp(LIMIT)) {
        throw new IllegalStateException(what + " not read within " + LIMIT.toSeconds() + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(what + ": interrupted while reading", e);
    }
  }
}
