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
 * @param claimTimeout how long a tag-selected fault waits for admission's grant of the instances it
 *     resolved before it fails (issue 16); zero: claim nothing and act on every resolved instance
 *     (only for executors no admission serves: tests and stand-ins)
 * @param maxStarting the most faults starting at once, from approval to their hold (or end): the
 *     rest wait in order without a thread ({@link StartGate})
 * @param maxRollingBack the most faults rolling back at once after their hold (its end, an abort, a
 *     halt): the rest wait in order without a thread, still named by heartbeats
 */
public record RunSettings(
    Precheck precheckSsmOnline,
    Duration pollInitial,
    Duration pollMax,
    Duration commandTimeout,
    int maxEventTargets,
    Duration claimTimeout,
    int maxStarting,
    int maxRollingBack) {

  /** Starts at once by default: enough for the executor's CPU, bounded for its heap. */
  public static final int DEFAULT_MAX_STARTING = 256;

  /** Rolling back at once by default: a halt of a thousand held faults never waits (P5). */
  public static final int DEFAULT_MAX_ROLLING_BACK = 1_000;

  /** The largest {@code maxEventTargets}: as many targets as a policy lets one fault act on. */
  public static final int MAX_EVENT_TARGETS_LIMIT = 10_000;

  public RunSettings {
    Objects.requireNonNull(precheckSsmOnline, "precheckSsmOnline");
    Objects.requireNonNull(pollInitial, "pollInitial");
    Objects.requireNonNull(pollMax, "pollMax");
    Objects.requireNonNull(commandTimeout, "commandTimeout");
    Objects.requireNonNull(claimTimeout, "claimTimeout");
    if (claimTimeout.isNegative()) {
      throw new IllegalArgumentException("claimTimeout must not be negative");
    }
    if (commandTimeout.isZero() || commandTimeout.isNegative()) {
      throw new IllegalArgumentException("commandTimeout must be positive");
    }
    if (maxStarting < 1) {
      throw new IllegalArgumentException(
          "faultline.executor.run.max-starting must be at least 1, was " + maxStarting);
    }
    if (maxRollingBack < 1) {
      throw new IllegalArgumentException(
          "faultline.executor.run.max-rolling-back must be at least 1, was " + maxRollingBack);
    }
    if (maxEventTargets < 0 || maxEventTargets > MAX_EVENT_TARGETS_LIMIT) {
      throw new IllegalArgumentException(
          "faultline.executor.run.max-event-targets must be within 0.."
              + MAX_EVENT_TARGETS_LIMIT
              + ", was "
              + maxEventTargets);
    }
  }

  /** With the default {@link #DEFAULT_MAX_STARTING}. */
  public RunSettings(
      Precheck precheckSsmOnline,
      Duration pollInitial,
      Duration pollMax,
      Duration commandTimeout,
      int maxEventTargets,
      Duration claimTimeout) {
    this(
        precheckSsmOnline,
        pollInitial,
        pollMax,
        commandTimeout,
        maxEventTargets,
        claimTimeout,
        DEFAULT_MAX_STARTING,
        DEFAULT_MAX_ROLLING_BACK);
  }

  /** Without target claims. */
  public RunSettings(
      Precheck precheckSsmOnline,
      Duration pollInitial,
      Duration pollMax,
      Duration commandTimeout,
      int maxEventTargets) {
    this(precheckSsmOnline, pollInitial, pollMax, commandTimeout, maxEventTargets, Duration.ZERO);
  }

  /** With the default event sample ({@link TargetSample#DEFAULT_LIMIT}), without target claims. */
  public RunSettings(
      Precheck precheckSsmOnline, Duration pollInitial, Duration pollMax, Duration commandTimeout) {
    this(precheckSsmOnline, pollInitial, pollMax, commandTimeout, TargetSample.DEFAULT_LIMIT);
  }

  public static RunSettings defaults() {
    return new RunSettings(
        Precheck.ENFORCE, Duration.ofMillis(500), Duration.ofSeconds(10), Duration.ofMinutes(10));
  }

  public RunSettings withPrecheck(Precheck value) {
    return new RunSettings(
        value,
        pollInitial,
        pollMax,
        commandTimeout,
        maxEventTargets,
        claimTimeout,
        maxStarting,
        maxRollingBack);
  }

  public RunSettings withPolling(Duration initial, Duration max) {
    return new RunSettings(
        precheckSsmOnline,
        initial,
        max,
        commandTimeout,
        maxEventTargets,
        claimTimeout,
        maxStarting,
        maxRollingBack);
  }

  public RunSettings withCommandTimeout(Duration value) {
    return new RunSettings(
        precheckSsmOnline,
        pollInitial,
        pollMax,
        value,
        maxEventTargets,
        claimTimeout,
        maxStarting,
        maxRollingBack);
  }

  public RunSettings withMaxEventTargets(int value) {
    return new RunSettings(
        precheckSsmOnline,
        pollInitial,
        pollMax,
        commandTimeout,
        value,
        claimTimeout,
        maxStarting,
        maxRollingBack);
  }

  /** With target claims answered within {@code value} (zero: no claims). */
  public RunSettings withClaimTimeout(Duration value) {
    return new RunSettings(
        precheckSsmOnline,
        pollInitial,
        pollMax,
        commandTimeout,
        maxEventTargets,
        value,
        maxStarting,
        maxRollingBack);
  }

  public RunSettings withMaxStarting(int value) {
    return new RunSettings(
        precheckSsmOnline,
        pollInitial,
        pollMax,
        commandTimeout,
        maxEventTargets,
        claimTimeout,
        value,
        maxRollingBack);
  }

  public RunSettings withMaxRollingBack(int value) {
    return new RunSettings(
        precheckSsmOnline,
        pollInitial,
        pollMax,
        commandTimeout,
        maxEventTargets,
        claimTimeout,
        maxStarting,
        value);
  }

  /** Whether tag-selected faults claim their resolved instances before injecting. */
  public boolean claimsTargets() {
    return !claimTimeout.isZero();
  }

  /** Whether the SSM-online pre-check runs. */
  public enum Precheck {
    ENFORCE,
    SKIP
  }
}
