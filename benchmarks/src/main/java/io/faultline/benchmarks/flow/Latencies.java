package io.faultline.benchmarks.flow;

import java.util.Arrays;
import java.util.Collection;

/** Latency samples in nanoseconds and their percentiles (nearest rank), printed in ms. */
public record Latencies(long[] sortedNanos) {
  public static Latencies of(Collection<Long> nanos) {
    long[] values = nanos.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(values);
    return new Latencies(values);
  }

  public int count() {
    return sortedNanos.length;
  }

  /** The {@code p}-th percentile in ms (nearest rank); NaN without samples. */
  public double ms(double p) {
    if (sortedNanos.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * sortedNanos.length);
    return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, rank - 1))] / 1e6;
  }

  public double maxMs() {
    return sortedNanos.length == 0 ? Double.NaN : sortedNanos[sortedNanos.length - 1] / 1e6;
  }
}
