package io.faultline.executor.run;

import io.faultline.executor.fault.document.ShellStep;
import io.faultline.executor.fault.document.SsmDocument;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How long a command may live on the AWS side, so that a command the executor stopped waiting for
 * cannot start (and so cannot land) long after it.
 *
 * <p>SSM bounds a command twice: {@code SendCommand}'s {@code TimeoutSeconds} is how long it may
 * wait to be delivered to an instance before it is given up (and never runs), and the document's
 * steps' {@code timeoutSeconds} bound its execution once it runs. The execution bound is fixed in
 * the document (changing it changes the document's content hash); the delivery bound is what is
 * left of the executor's command timeout once the execution bound is taken off, within SSM's limits
 * (30 s to 30 days). So, whenever the command timeout leaves 30 s of delivery, a command has
 * reached its end on every instance by the time the executor stops waiting for it.
 *
 * @param commandTimeout how long the executor waits for one command's result ({@code
 *     faultline.executor.run.command-timeout})
 */
record CommandBounds(Duration commandTimeout) {
  /** SSM's smallest {@code TimeoutSeconds}. */
  static final Duration MIN_DELIVERY = Duration.ofSeconds(30);

  /** SSM's largest {@code TimeoutSeconds}. */
  static final Duration MAX_DELIVERY = Duration.ofDays(30);

  CommandBounds {
    Objects.requireNonNull(commandTimeout, "commandTimeout");
    if (commandTimeout.isZero() || commandTimeout.isNegative()) {
      throw new IllegalArgumentException("command timeout must be positive");
    }
  }

  /** The longest a document may run once delivered: the sum of its steps' timeouts. */
  static Duration executionTimeout(SsmDocument document) {
    return Duration.ofSeconds(document.steps().stream().mapToLong(ShellStep::timeoutSeconds).sum());
  }

  /**
   * {@code SendCommand}'s {@code TimeoutSeconds} for a document running at most {@code execution}.
   */
  Duration deliveryTimeout(Duration execution) {
    Duration left = commandTimeout.minus(execution);
    if (left.compareTo(MIN_DELIVERY) < 0) {
      return MIN_DELIVERY;
    }
    // Whole seconds, as the API takes them; rounded down, never below the minimum.
    Duration whole = Duration.ofSeconds(left.toSeconds());
    return whole.compareTo(MAX_DELIVERY) > 0 ? MAX_DELIVERY : whole;
  }

  /**
   * When a command sent at {@code sent} has ended on every instance at the latest: undelivered by
   * then it never runs, delivered it has run out its execution timeout.
   */
  Instant settledBy(Instant sent, Duration execution) {
    return sent.plus(deliveryTimeout(execution)).plus(execution);
  }
}
