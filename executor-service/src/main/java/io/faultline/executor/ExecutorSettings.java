package io.faultline.executor;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Every {@code faultline.executor.*} setting; documented in the module README.
 *
 * @param groupId the approvals consumer group shared by every executor
 * @param executorId this instance's id; empty for a random one
 * @param sessionTimeout how soon a dead executor's partitions move to another one
 * @param maxInFlight above this many running faults, approvals are paused
 * @param heartbeatInterval how often the executor publishes the faults it runs (ADR 0007 §3)
 */
@ConfigurationProperties("faultline.executor")
public record ExecutorSettings(
    @DefaultValue("faultline-executor") String groupId,
    @DefaultValue("") String executorId,
    @DefaultValue("10s") Duration sessionTimeout,
    @DefaultValue("20000") int maxInFlight,
    @DefaultValue("5s") Duration heartbeatInterval,
    @DefaultValue Precheck precheck,
    @DefaultValue Run run,
    @DefaultValue Aws aws) {

  /**
   * @param ssmOnline {@code enforce} (default) or {@code skip}
   */
  public record Precheck(@DefaultValue("enforce") String ssmOnline) {}

  /**
   * @param maxEventTargets the most targets (and SSM command ids) one lifecycle event lists
   */
  public record Run(
      @DefaultValue("500ms") Duration pollInitial,
      @DefaultValue("10s") Duration pollMax,
      @DefaultValue("10m") Duration commandTimeout,
      @DefaultValue("100") int maxEventTargets) {}

  public record Aws(
      URI endpoint,
      @DefaultValue("1h") Duration sessionDuration,
      @DefaultValue("5m") Duration refreshBefore,
      @DefaultValue("30s") Duration callTimeout,
      @DefaultValue("5") int maxAttempts,
      @DefaultValue("200ms") Duration initialBackoff,
      @DefaultValue("10s") Duration maxBackoff,
      @DefaultValue("50") float breakerFailureRate,
      @DefaultValue("50") int breakerWindow,
      @DefaultValue("30s") Duration breakerOpenFor,
      @DefaultValue("20") int ssmCallsPerSecond,
      @DefaultValue("64") int tenantConcurrentCalls,
      @DefaultValue("256") int maxConnections) {}
}
