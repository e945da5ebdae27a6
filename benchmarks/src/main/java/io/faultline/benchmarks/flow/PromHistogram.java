package io.faultline.benchmarks.flow;

import io.faultline.local.Prometheus;
import java.util.Map;
import java.util.TreeMap;

/**
 * One histogram of a Prometheus scrape: its cumulative bucket counts by upper bound, summed over
 * the series that carry the labels asked for. Two scrapes give what was recorded between them
 * ({@link #since}); quantiles are bucket bounds, so they are upper estimates as fine as the
 * buckets.
 */
record PromHistogram(Map<Double, Double> cumulative) {

  /**
   * @param name the histogram's name, e.g. {@code faultline_executor_ledger_write_wait_seconds}
   * @param labels labels the series must carry, e.g. {@code kind=writes}
   * @throws IllegalStateException when the scrape has no such series
   */
  static PromHistogram of(Prometheus scrape, String name, Map<String, String> labels) {
    Map<Double, Double> buckets = new TreeMap<>();
    for (Prometheus.Sample bucket : scrape.find(name + "_bucket", labels)) {
      String le = bucket.labels().get("le");
      double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
      buckets.merge(bound, bucket.value(), Double::sum);
    }
    if (buckets.isEmpty()) {
      throw new IllegalStateException("no " + name + " " + labels + " in the scrape");
    }
    return new PromHistogram(buckets);
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
