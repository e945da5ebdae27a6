package io.faultline.benchmarks.flow;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The executor's ledger meters read from its {@code /actuator/prometheus}: the histogram of the
 * time fault threads waited for their writes, the histogram of the transactions that committed
 * writes, and the writes those carried. Two scrapes give a round's share ({@link #since}).
 */
record LedgerScrape(
    Map<Double, Double> waitBuckets,
    Map<Double, Double> transactionBuckets,
    double writesCarried,
    double transactions) {
  private static final String WAIT = "faultline_executor_ledger_write_wait_seconds_bucket{";
  private static final String TRANSACTION =
      "faultline_executor_ledger_transactions_seconds_bucket{";
  private static final Pattern LE = Pattern.compile("le=\"([^\"]+)\"");

  static LedgerScrape of(String prometheus) {
    Map<Double, Double> waits = new TreeMap<>();
    Map<Double, Double> transactions = new TreeMap<>();
    double carried = 0;
    double count = 0;
    for (String line : prometheus.lines().toList()) {
      if (line.startsWith(WAIT)) {
        bucket(line, waits);
      } else if (line.startsWith(TRANSACTION)
          && line.contains("kind=\"writes\"")
          && line.contains("outcome=\"committed\"")) {
        bucket(line, transactions);
      } else if (line.startsWith("faultline_executor_ledger_batch_writes_sum ")) {
        carried = value(line);
      } else if (line.startsWith("faultline_executor_ledger_batch_writes_count ")) {
        count = value(line);
      }
    }
    if (waits.isEmpty() || transactions.isEmpty()) {
      throw new IllegalStateException("the executor exposes no ledger histograms");
    }
    return new LedgerScrape(waits, transactions, carried, count);
  }

  private static void bucket(String line, Map<Double, Double> buckets) {
    Matcher le = LE.matcher(line);
    if (le.find()) {
      double bound =
          le.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le.group(1));
      buckets.put(bound, value(line));
    }
  }

  private static double value(String line) {
    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
  }

  /** What was recorded after {@code before}. */
  LedgerScrape since(LedgerScrape before) {
    return new LedgerScrape(
        minus(waitBuckets, before.waitBuckets),
        minus(transactionBuckets, before.transactionBuckets),
        writesCarried - before.writesCarried,
        transactions - before.transactions);
  }

  private static Map<Double, Double> minus(Map<Double, Double> now, Map<Double, Double> then) {
    Map<Double, Double> delta = new TreeMap<>();
    now.forEach((bound, count) -> delta.put(bound, count - then.getOrDefault(bound, 0.0)));
    return delta;
  }

  long writes() {
    return (long) waitBuckets.getOrDefault(Double.POSITIVE_INFINITY, 0.0).doubleValue();
  }

  /** The upper bound (ms) of the bucket holding the {@code q} quantile of the waits. */
  double waitMs(double q) {
    return quantileMs(waitBuckets, q);
  }

  double transactionMs(double q) {
    return quantileMs(transactionBuckets, q);
  }

  /** Writes per committed transaction, on average. */
  double writesPerTransaction() {
    return transactions == 0 ? Double.NaN : writesCarried / transactions;
  }

  private static double quantileMs(Map<Double, Double> cumulative, double q) {
    double total = cumulative.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
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
