package io.faultline.benchmarks.flow;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One histogram series of a Prometheus scrape: its cumulative bucket counts by upper bound. Two
 * scrapes give what was recorded between them ({@link #since}); quantiles are bucket bounds, so
 * they are upper estimates as fine as the buckets.
 */
record PromHistogram(Map<Double, Double> cumulative) {
  private static final Pattern LE = Pattern.compile("le=\"([^\"]+)\"");

  /**
   * @param name the histogram's name, e.g. {@code faultline_executor_ledger_write_wait_seconds}
   * @param labels labels the series must carry, e.g. {@code kind="writes"}
   * @throws IllegalStateException when the scrape has no such series
   */
  static PromHistogram of(String scrape, String name, String... labels) {
    List<String> required = Arrays.asList(labels);
    String prefix = name + "_bucket{";
    Map<Double, Double> buckets = new TreeMap<>();
    for (String line : scrape.lines().toList()) {
      if (!line.startsWith(prefix) || !required.stream().allMatch(line::contains)) {
        continue;
      }
      Matcher le = LE.matcher(line);
      if (le.find()) {
        double bound =
            le.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le.group(1));
        buckets.merge(bound, value(line), Double::sum);
      }
    }
    if (buckets.isEmpty()) {
      throw new IllegalStateException("no " + name + " " + required + " in the scrape");
    }
    return new PromHistogram(buckets);
  }

  /** The value of the first line that starts with {@code series + " "}, or 0. */
  static double sample(String scrape, String series) {
    return scrape
        .lines()
        .filter(l -> l.startsWith(series + " "))
        .mapToDouble(PromHistogram::value)
        .findFirst()
        .orElse(0);
  }

  private static double value(String line) {
    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
  }

  /** What was recorded after {@code before}. */
  PromHistogram since(PromHistogram before) {
    Map<Double, Double> delta = new TreeMap<>();
    cumulative.forEach(
        (bound, count) -> delta.put(bound, count - before.cumulative.getOrDefault(bound, 0.0)));
    return new PromHistogram(delta);
  }

  long count() {
    return (long) cumulative.getOrDefault(Double.POSITIVE_INFINITY, 0.0).doubleValue();
  }

  /** The upper bound, in ms, of the bucket holding the {@code q} quantile; NaN when empty. */
  double ms(double q) {
    double total = count();
    if (total <= 0) {
      return Double.NaN;
    }
    for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
      if (bucket.getValue() >= q * total) {
        return bucket.getKey() * 1000;
      }
    }
    return Double.NaN;
  }
}
