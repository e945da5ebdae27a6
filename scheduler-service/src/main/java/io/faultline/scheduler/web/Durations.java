package io.faultline.scheduler.web;

import java.time.Duration;

/** Durations as people write them in messages and configuration: {@code 30d}, {@code 5m}, … */
public final class Durations {
  private Durations() {}

  /** E.g. {@code 30d}, {@code 1h30m}, {@code 1m30s}, {@code 250ms}; zero is {@code 0s}. */
  public static String text(Duration d) {
    if (d.isNegative()) {
      return "-" + text(d.negated());
    }
    StringBuilder out = new StringBuilder();
    append(out, d.toDaysPart(), "d");
    append(out, d.toHoursPart(), "h");
    append(out, d.toMinutesPart(), "m");
    append(out, d.toSecondsPart(), "s");
    append(out, d.toMillisPart(), "ms");
    return out.isEmpty() ? "0s" : out.toString();
  }

  private static void append(StringBuilder out, long amount, String unit) {
    if (amount != 0) {
      out.append(amount).append(unit);
    }
  }
}
