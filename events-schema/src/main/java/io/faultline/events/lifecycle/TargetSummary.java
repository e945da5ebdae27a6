package io.faultline.events.lifecycle;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The counts behind an executor event's {@code targets} and {@code ssmCommandIds}, which list at
 * most a sample (ADR 0009): every target the fault knows of, by status, and how many entries the
 * lists leave out. Readers take counts from here, never from the length of the lists.
 *
 * @param total every target the fault knows of (acted on, skipped, excluded)
 * @param byStatus how many targets are in each status; sums to {@code total}
 * @param omitted targets not listed in the event's {@code targets}
 * @param ssmCommands SSM commands sent so far
 * @param ssmCommandsOmitted commands not listed in the event's {@code ssmCommandIds}
 * @param truncated whether either list leaves entries out (derived, never set independently)
 */
public record TargetSummary(
    int total,
    Map<TargetStatus, Integer> byStatus,
    int omitted,
    int ssmCommands,
    int ssmCommandsOmitted,
    boolean truncated) {

  public TargetSummary {
    byStatus = byStatus == null || byStatus.isEmpty() ? Map.of() : sorted(byStatus);
    int counted = byStatus.values().stream().mapToInt(Integer::intValue).sum();
    if (counted != total) {
      throw new IllegalArgumentException(
          "byStatus counts " + counted + " targets, total says " + total);
    }
    if (omitted < 0 || omitted > total) {
      throw new IllegalArgumentException("omitted must be within 0.." + total + ", was " + omitted);
    }
    if (ssmCommandsOmitted < 0 || ssmCommandsOmitted > ssmCommands) {
      throw new IllegalArgumentException(
          "ssmCommandsOmitted must be within 0.." + ssmCommands + ", was " + ssmCommandsOmitted);
    }
    truncated = omitted > 0 || ssmCommandsOmitted > 0;
  }

  /** The counts of complete lists (nothing left out). */
  public static TargetSummary of(List<TargetOutcome> targets, List<String> ssmCommandIds) {
    return new TargetSummary(
        targets.size(), countByStatus(targets), 0, ssmCommandIds.size(), 0, false);
  }

  /** How many targets are in {@code status}. */
  public int count(TargetStatus status) {
    return byStatus.getOrDefault(status, 0);
  }

  static Map<TargetStatus, Integer> countByStatus(List<TargetOutcome> targets) {
    Map<TargetStatus, Integer> counts = new EnumMap<>(TargetStatus.class);
    targets.forEach(t -> counts.merge(t.status(), 1, Integer::sum));
    return counts;
  }

  // In the enum's order, so the JSON reads the same way every time.
  private static Map<TargetStatus, Integer> sorted(Map<TargetStatus, Integer> counts) {
    return Collections.unmodifiableMap(new EnumMap<>(counts));
  }
}
