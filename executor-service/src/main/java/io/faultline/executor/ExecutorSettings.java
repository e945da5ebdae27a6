package io.faultline.executor;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import java.net.URI;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Every {@code faultline.executor.*} setting; documented in the module README. Validated at start:
 * a value outside its rule stops the service naming the property and the rule.
 *
 * @param groupId the approvals consumer group all executors share
 * @param executorId this instance's name; each start adds six random characters (journal {@code
 *     executor}, heartbeat key, transactional id {@code faultline-executor-<id>-<suffix>}); empty
 *     for {@code executor}
 * @param sessionTimeout how soon a dead executor's approvals partitions move to another one (its
 *     running faults move by heartbeat, after the takeover grace)
 * @param maxInFlight above this many running faults, approvals are paused
 * @param heartbeatInterval how often the executor publishes the faults it runs on {@code
 *     faultline.executor-heartbeats.v1}; keep it well below the policy service's lease grace
 * @param takeoverGrace how long no heartbeat may name a running fault before the owner of its
 *     approvals partition takes it over (ADR 0007 §5); at least twice the heartbeat interval
 * @param precheck the checks before a fault touches a target
 * @param run how commands are polled and bounded
 * @param aws how the executor calls AWS: sessions, retries, breakers and limits
 * @param probes run watches: whether this executor evaluates them, and in which consumer group
 */
@ConfigurationProperties("faultline.executor")
@Validated
public record ExecutorSettings(
    @DefaultValue("faultline-executor") @NotBlank String groupId,
    @DefaultValue("") @NotNull String executorId,
    @DefaultValue("10s") @DurationMin(millis = 1, message = POSITIVE) Duration sessionTimeout,
    @DefaultValue("20000") @Positive int maxInFlight,
    @DefaultValue("5s") @DurationMin(millis = 1, message = POSITIVE) Duration heartbeatInterval,
    @DefaultValue("15s") @DurationMin(millis = 1, message = POSITIVE) Duration takeoverGrace,
    @DefaultValue @Valid Precheck precheck,
    @DefaultValue @Valid Run run,
    @DefaultValue @Valid Aws aws,
    @DefaultValue @Valid Probes probes) {

  static final String POSITIVE = "must be positive";

  /**
   * @param ssmOnline {@code enforce}: DescribeInstanceInformation must confirm every target is
   *     SSM-managed and online, and a fault fails closed (PRE_CHECK) when it cannot be answered;
   *     {@code skip}: do not ask (only for endpoints that cannot answer, such as moto)
   */
  public record Precheck(
      @DefaultValue("enforce")
          @Pattern(
              regexp = "enforce|skip",
              flags = Pattern.Flag.CASE_INSENSITIVE,
              message = "must be enforce or skip")
          String ssmOnline) {}

  /**
   * @param pollInitial first wait between GetCommandInvocation polls
   * @param pollMax cap of that wait (it doubles)
   * @param commandTimeout how long the executor waits for one command on one instance; an inject
   *     without a result after it is cancelled
   * @param maxEventTargets the most targets (and SSM command ids) one lifecycle event lists
   * @param claimTimeout how long a tag-selected fault waits for admission's grant of the instances
   *     it resolved; without one it fails, nothing injected (issue 16)
   * @param maxStarting the most faults starting at once (approval to hold); the rest wait in order
   * @param maxRollingBack the most faults rolling back at once after their hold; the rest wait in
   *     order
   */
  public record Run(
      @DefaultValue("500ms") @DurationMin(millis = 1, message = POSITIVE) Duration pollInitial,
      @DefaultValue("10s") @DurationMin(millis = 1, message = POSITIVE) Duration pollMax,
      @DefaultValue("10m") @DurationMin(millis = 1, message = POSITIVE) Duration commandTimeout,
      @DefaultValue("100")
          @jakarta.validation.constraints.Min(0)
          @jakarta.validation.constraints.Max(10_000)
          int maxEventTargets,
      @DefaultValue("10s") @DurationMin(millis = 1, message = POSITIVE) Duration claimTimeout,
      @DefaultValue("256") @Positive int maxStarting,
      @DefaultValue("1000") @Positive int maxRollingBack) {}

  /**
   * @param enabled whether this executor reads {@code faultline.run-watches.v1} and evaluates the
   *     watches of its partitions (ADR 0010)
   * @param groupId the consumer group every executor shares for run watches
   */
  public record Probes(
      @DefaultValue("true") boolean enabled,
      @DefaultValue("faultline-probes") @NotBlank String groupId) {}

  /**
   * @param endpoint one endpoint for every AWS service (moto, LocalStack); unset for AWS itself
   * @param sessionDuration assumed-role session length (STS allows 15 min to 12 h)
   * @param refreshBefore refresh credentials this long before they expire
   * @param callTimeout one API call, also the wait for a pooled connection
   * @param maxAttempts attempts on throttling, 5xx and I/O errors (the SDK's own retries are off)
   * @param initialBackoff first backoff between attempts (doubling, 50 % jitter)
   * @param maxBackoff cap of that backoff
   * @param breakerFailureRate failure rate (percent, above 0, at most 100) that opens the circuit
   *     breaker of an account-region
   * @param breakerWindow calls the breaker's failure rate is measured over
   * @param breakerOpenFor how long an open breaker refuses calls
   * @param ssmCallsPerSecond rate limit of SSM calls per account (all regions, all faults)
   * @param tenantConcurrentCalls concurrent AWS calls of one tenant (bulkhead)
   * @param maxConnections shared HTTP connections, and the platform threads that make AWS calls
   */
  public record Aws(
      URI endpoint,
      @DefaultValue("1h")
          @DurationMin(minutes = 15, message = "must be at least 15 minutes (STS)")
          @DurationMax(hours = 12, message = "must be at most 12 hours (STS)")
          Duration sessionDuration,
      @DefaultValue("5m") @DurationMin(millis = 1, message = POSITIVE) Duration refreshBefore,
      @DefaultValue("30s") @DurationMin(millis = 1, message = POSITIVE) Duration callTimeout,
      @DefaultValue("5") @Positive int maxAttempts,
      @DefaultValue("200ms") @DurationMin(millis = 1, message = POSITIVE) Duration initialBackoff,
      @DefaultValue("10s") @DurationMin(millis = 1, message = POSITIVE) Duration maxBackoff,
      @DefaultValue("50") @DecimalMin(value = "0", inclusive = false) @DecimalMax("100")
          float breakerFailureRate,
      @DefaultValue("50") @Positive int breakerWindow,
      @DefaultValue("30s") @DurationMin(millis = 1, message = POSITIVE) Duration breakerOpenFor,
      @DefaultValue("20") @Positive int ssmCallsPerSecond,
      @DefaultValue("64") @Positive int tenantConcurrentCalls,
      @DefaultValue("256") @Positive int maxConnections) {}
}
