package io.faultline.executor.run;

import io.faultline.events.lifecycle.TargetSample;
import java.time.Duration;
import java.util.Objects;

/**
 * How faults run ({@code faultline.executor.run.*} and {@code faultline.executor.precheck.*}).
 *
 * @param precheckSsmOnline ENFORCE: targets must be SSM-managed and online
 *     (DescribeInstanceInformation), and a fault fails closed (PRE_CHECK) when that cannot be
 *     answered; SKIP: do not ask (for endpoints that cannot answer, e.g. moto)
 * @param pollInitial the first wait between GetCommandInvocation polls
 * @param pollMax the cap of that wait (doubling in between)
 * @param commandTimeout how long the executor waits for one command on one instance: after it the
 *     target counts as TIMED_OUT and an inject is cancelled; also what SendCommand's delivery
 *     timeout is derived from ({@link CommandBounds})
 * @param maxEventTargets the most targets, and the most SSM command ids, one lifecycle event lists;
 *     the rest are counted in its {@code targetSummary} (ADR 0009)
 */
public record RunSettings(
    Precheck precheckSsmOnline,
    Duration pollInitial,
    Duration pollMax,
    Duration commandTimeout,
    int maxEventTargets) {

  /** The largest {@code maxEventTargets}: as many targets as a policy lets one fault act on. */
  public static final int MAX_EVENT_TARGETS_LIMIT = 10_000;

  public RunSettings {
    Objects.requireNonNull(precheckSsmOnline, "precheckSsmOnline");
    Objects.requireNonNull(pollInitial, "pollInitial");
    Objects.requireNonNull(pollMax, "pollMax");
    Objects.requireNonNull(commandTimeout, "commandTimeout");
    if (commandTimeout.isZero() || commandTimeout.isNegative()) {
      throw new IllegalArgumentException("commandTimeout must be positive");
    }
    if (maxEventTargets < 0 || maxEventTargets > MAX_EVENT_TARGETS_LIMIT) {
      throw new IllegalArgumentException(
          "faultline.executor.run.max-event-targets must be within 0.."
              + MAX_EVENT_TARGETS_LIMIT
              + ", was "
              + maxEventTargets);
    }
  }

  /** With the default event sample ({@link TargetSample#DEFAULT_LIMIT}). */
  public RunSettings(
      Precheck precheckSsmOnline, Duration pollInitial, Duration pollMax, Duration commandTimeout) {
    this(precheckSsmOnline, pollInitial, pollMax, commandTimeout, TargetSample.DEFAULT_LIMIT);
  }

  public static RunSettings defaults() {
    return new RunSettings(
        Precheck.ENFORCE, Duration.ofMillis(500), Duration.ofSeconds(10), Duration.ofMinutes(10));
  }

  public RunSettings withPrecheck(Precheck value) {
    return new RunSettings(value, pollInitial, pollMax, commandTimeout, maxEventTargets);
  }

  public RunSettings withPolling(Duration initial, Duration max) {
    return new RunSettings(precheckSsmOnline, initial, max, commandTimeout, maxEventTargets);
  }

  public RunSettings withCommandTimeout(Duration value) {
    return new RunSettings(precheckSsmOnline, pollInitial, pollMax, value, maxEventTargets);
  }

  public RunSettings withMaxEventTargets(int value) {
    return new RunSettings(precheckSsmOnline, pollInitial, pollMax, commandTimeout, value);
  }

  /** Whether the SSM-online pre-check runs. */
  public enum Precheck {
    ENFORCE,
    SKIP
  }
}
