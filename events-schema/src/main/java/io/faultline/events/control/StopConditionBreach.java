package io.faultline.events.control;

import io.faultline.events.probe.ProbeReading;
import java.time.Instant;
import java.util.Objects;

/**
 * The stop condition that aborted a run: which probe, its breaching reading and when it was read,
 * and the watch revision evaluated.
 */
public record StopConditionBreach(
    String probe, ProbeReading reading, Instant readAt, long watchRevision) {
  public StopConditionBreach {
    Objects.requireNonNull(probe, "probe");
    Objects.requireNonNull(reading, "reading");
    Objects.requireNonNull(readAt, "readAt");
    if (reading.ok()) {
      throw new IllegalArgumentException("a breach is a failing reading");
    }
  }
}
