package io.faultline.executor.claims;

import io.faultline.events.claims.TargetsClaimed;
import io.faultline.events.claims.TargetsGranted;
import java.time.Duration;
import java.util.Optional;

/**
 * Claims the instances a tag-selected fault resolved to and waits for admission's answer. Safe to
 * call from many faults' threads at once.
 */
public interface TargetClaims {
  /** Whether claims are made at all; when not, a fault acts on every instance it resolved. */
  boolean enabled();

  /**
   * Publishes {@code claim} and waits for the grant naming its claim id.
   *
   * @return the grant, or empty when none came within {@code timeout} (or the claim could not be
   *     published)
   */
  Optional<TargetsGranted> claim(TargetsClaimed claim, String traceparent, Duration timeout)
      throws InterruptedException;

  /**
   * No claims: for an executor whose tag-selected faults no admission serves (tests, stand-ins).
   */
  static TargetClaims off() {
    return new TargetClaims() {
      @Override
      public boolean enabled() {
        return false;
      }

      @Override
      public Optional<TargetsGranted> claim(
          TargetsClaimed claim, String traceparent, Duration timeout) {
        throw new IllegalStateException("target claims are off");
      }
    };
  }
}
