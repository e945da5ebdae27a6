package io.faultline.executor.run;

import io.faultline.executor.fault.Timing;
import java.util.Optional;

/**
 * A serial fault holds each host for the full duration in turn, so it lasts hosts x duration plus
 * its two ramps. Admission checks one duration (it cannot count a tag's or a percentage's hosts);
 * the executor checks the whole run against the same bound, once the hosts are resolved.
 */
final class SerialBound {
  private SerialBound() {}

  /**
   * Why the run may not start, or empty when it may (always for a parallel fault).
   *
   * @param maxDurationSeconds the approval's bound (the policy's maximum duration with ramps), or
   *     null when the approval carries none (approved by an older policy service)
   */
  static Optional<String> exceeded(Timing timing, int hosts, Integer maxDurationSeconds) {
    if (timing.sequence() != Timing.Sequence.SERIAL || hosts <= 1) {
      return Optional.empty();
    }
    long total = (long) hosts * timing.durationSeconds() + 2L * timing.rampSeconds();
    String run =
        "SEQUENCE=serial holds "
            + hosts
            + " hosts x "
            + timing.durationSeconds()
            + " s + 2 x "
            + timing.rampSeconds()
            + " s ramp = "
            + total
            + " s";
    if (maxDurationSeconds == null) {
      // Fail closed: without the policy's bound, one host's hold is all admission approved.
      return Optional.of(
          run
              + ", but the approval carries no maxDurationSeconds to check it against; nothing"
              + " injected");
    }
    if (total > maxDurationSeconds) {
      return Optional.of(
          run
              + ", which exceeds the policy's maximum duration of "
              + maxDurationSeconds
              + " s; nothing injected");
    }
    return Optional.empty();
  }
}
