package io.faultline.events.lifecycle;

import java.util.Locale;

/**
 * The states of a fault. {@code COMPLETED}, {@code FAILED} and {@code ABORTED} are terminal: every
 * approved fault ends in exactly one of them. {@code LEASE_EXPIRED} is informational: the policy
 * service freed a fault's leases because no terminal event arrived in time.
 */
public enum LifecycleStage {
  APPROVED("policy-service"),
  REJECTED("policy-service"),
  LEASE_EXPIRED("policy-service"),
  STARTED("executor-service"),
  TARGETS_RESOLVED("executor-service"),
  INJECTED("executor-service"),
  ROLLING_BACK("executor-service"),
  COMPLETED("executor-service"),
  FAILED("executor-service"),
  ABORTED("executor-service");

  private final String producer;

  LifecycleStage(String producer) {
    this.producer = producer;
  }

  /** The only service that may publish this stage. */
  public String producer() {
    return producer;
  }

  public boolean isTerminal() {
    return this == COMPLETED || this == FAILED || this == ABORTED;
  }

  /** The CloudEvents type of this stage, e.g. {@code io.faultline.fault.lifecycle.started.v1}. */
  public String cloudEventType() {
    return "io.faultline.fault.lifecycle."
        + name().toLowerCase(Locale.ROOT).replace('_', '-')
        + ".v1";
  }
}
