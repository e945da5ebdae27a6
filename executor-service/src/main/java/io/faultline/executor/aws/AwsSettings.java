package io.faultline.executor.aws;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How the executor reaches AWS. Every field is a documented setting ({@code
 * faultline.executor.aws.*}, see the module README).
 *
 * @param endpoint one endpoint for every service (moto, LocalStack, a stub); null for AWS itself
 * @param sessionDuration how long assumed-role credentials live (at least 15 minutes)
 * @param refreshBefore credentials are refreshed this long before they expire
 * @param callTimeout the most one AWS API call may take, retries excluded
 * @param maxAttempts attempts per call on throttling, 5xx and I/O errors (1 = no retry)
 * @param initialBackoff the first retry's wait; doubled each time, with jitter
 * @param maxBackoff the cap of one retry's wait
 * @param breakerFailureRate percent of failed calls (in the window) that opens an account-region's
 *     circuit
 * @param breakerWindow calls in the sliding window of each circuit breaker
 * @param breakerOpenFor how long an open circuit rejects calls before probing
 * @param ssmCallsPerSecond SSM API calls per second per account (all regions, all faults)
 * @param tenantConcurrentCalls concurrent AWS calls per tenant (bulkhead)
 * @param maxConnections HTTP connections shared by all clients, and the platform threads that make
 *     AWS calls (bounding the SDK's per-thread caches)
 */
public record AwsSettings(
    URI endpoint,
    Duration sessionDuration,
    Duration refreshBefore,
    Duration callTimeout,
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    float breakerFailureRate,
    int breakerWindow,
    Duration breakerOpenFor,
    int ssmCallsPerSecond,
    int tenantConcurrentCalls,
    int maxConnections) {
  public AwsSettings {
    Objects.requireNonNull(sessionDuration, "sessionDuration");
    Objects.requireNonNull(refreshBefore, "refreshBefore");
    Objects.requireNonNull(callTimeout, "callTimeout");
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    Objects.requireNonNull(breakerOpenFor, "breakerOpenFor");
    if (sessionDuration.compareTo(Duration.ofMinutes(15)) < 0) {
      throw new IllegalArgumentException("sessionDuration must be at least 15 minutes");
    }
    if (refreshBefore.compareTo(sessionDuration) >= 0) {
      throw new IllegalArgumentException("refreshBefore must be shorter than sessionDuration");
    }
    if (maxAttempts < 1 || ssmCallsPerSecond < 1 || tenantConcurrentCalls < 1) {
      throw new IllegalArgumentException("attempts, SSM rate and tenant bulkhead must be >= 1");
    }
  }

  /** Production defaults. */
  public static AwsSettings defaults() {
    return new AwsSettings(
        null,
        Duration.ofHours(1),
        Duration.ofMinutes(5),
        Duration.ofSeconds(30),
        5,
        Duration.ofMillis(200),
        Duration.ofSeconds(10),
        50f,
        50,
        Duration.ofSeconds(30),
        20,
        64,
        256);
  }

  public AwsSettings withEndpoint(URI value) {
    return new AwsSettings(
        value,
        sessionDuration,
        refreshBefore,
        callTimeout,
        maxAttempts,
        initialBackoff,
        maxBackoff,
        breakerFailureRate,
        breakerWindow,
        breakerOpenFor,
        ssmCallsPerSecond,
        tenantConcurrentCalls,
        maxConnections);
  }

  public AwsSettings withRetries(int attempts, Duration initial, Duration max) {
    return new AwsSettings(
        endpoint,
        sessionDuration,
        refreshBefore,
        callTimeout,
        attempts,
        initial,
        max,
        breakerFailureRate,
        breakerWindow,
        breakerOpenFor,
        ssmCallsPerSecond,
        tenantConcurrentCalls,
        maxConnections);
  }

  public AwsSettings withSsmCallsPerSecond(int value) {
    return new AwsSettings(
        endpoint,
        sessionDuration,
        refreshBefore,
        callTimeout,
        maxAttempts,
        initialBackoff,
        maxBackoff,
        breakerFailureRate,
        breakerWindow,
        breakerOpenFor,
        value,
        tenantConcurrentCalls,
        maxConnections);
  }
}
