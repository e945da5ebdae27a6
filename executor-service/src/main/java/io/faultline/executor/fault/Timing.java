package io.faultline.executor.fault;

import java.time.Duration;
import java.util.Objects;

/**
 * When a fault acts.
 *
 * @param rampSeconds the wait before injecting and after rolling back (RAMP_TIME)
 * @param durationSeconds how long the fault is held (TOTAL_CHAOS_DURATION), on each target in turn
 *     when serial; also the host-side dead-man timer of every inject
 * @param sequence parallel (batched) or serial (one target at a time)
 */
public record Timing(int rampSeconds, int durationSeconds, Sequence sequence) {
  public Timing {
    Objects.requireNonNull(sequence, "sequence");
    if (rampSeconds < 0 || durationSeconds < 1) {
      throw new IllegalArgumentException("ramp must be >= 0 and duration >= 1 second");
    }
  }

  public Duration ramp() {
    return Duration.ofSeconds(rampSeconds);
  }

  public Duration hold() {
    return Duration.ofSeconds(durationSeconds);
  }

  /** Reads RAMP_TIME, TOTAL_CHAOS_DURATION and SEQUENCE. */
  public static Timing of(io.faultline.events.catalogue.FaultParameters parameters) {
    return new Timing(
        parameters.text("RAMP_TIME").map(Integer::parseInt).orElse(0),
        parameters.integer("TOTAL_CHAOS_DURATION"),
        Sequence.of(parameters.text("SEQUENCE").orElse("parallel")));
  }

  /** How targets are processed. */
  public enum Sequence {
    /** Every target at once, one command per batch of at most 50 instances. */
    PARALLEL,
    /**
     * One target at a time, in resolution order: each is injected, held for the full duration and
     * rolled back before the next is injected.
     */
    SERIAL;

    static Sequence of(String value) {
      return switch (value) {
        case "parallel" -> PARALLEL;
        case "serial" -> SERIAL;
        default -> throw new IllegalArgumentException("SEQUENCE must be parallel or serial");
      };
    }
  }
}
