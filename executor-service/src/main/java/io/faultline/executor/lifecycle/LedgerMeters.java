package io.faultline.executor.lifecycle;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The ledger's meters (Prometheus adds {@code _seconds} to the timers):
 *
 * <ul>
 *   <li>{@code faultline.executor.ledger.write.wait} timer: from a write's submission to its
 *       commit, the time a fault's thread waits on the ledger (queueing behind the transaction in
 *       progress included)
 *   <li>{@code faultline.executor.ledger.transactions} timer {kind=writes|offsets,
 *       outcome=committed|failed}: one per transaction, retries of the same batch included
 *   <li>{@code faultline.executor.ledger.batch.writes} summary: the writes one committed
 *       transaction carried
 * </ul>
 *
 * Written from the ledger's one writer thread, except the wait, which its callers' writes complete.
 */
final class LedgerMeters {
  static final String WRITE_WAIT = "faultline.executor.ledger.write.wait";
  static final String TRANSACTIONS = "faultline.executor.ledger.transactions";
  static final String BATCH_WRITES = "faultline.executor.ledger.batch.writes";

  private final Timer writeWait;
  private final Timer writesCommitted;
  private final Timer writesFailed;
  private final Timer offsetsCommitted;
  private final Timer offsetsFailed;
  private final DistributionSummary batchWrites;

  LedgerMeters(MeterRegistry registry) {
    this.writeWait =
        histogram(Timer.builder(WRITE_WAIT))
            .description("From a ledger write's submission to its commit")
            .register(registry);
    this.writesCommitted = transactions(registry, "writes", "committed");
    this.writesFailed = transactions(registry, "writes", "failed");
    this.offsetsCommitted = transactions(registry, "offsets", "committed");
    this.offsetsFailed = transactions(registry, "offsets", "failed");
    this.batchWrites =
        DistributionSummary.builder(BATCH_WRITES)
            .description("Writes committed in one ledger transaction")
            .register(registry);
  }

  private static Timer transactions(MeterRegistry registry, String kind, String outcome) {
    return histogram(Timer.builder(TRANSACTIONS))
        .description("Ledger transactions, from the first begin to the commit or the give-up")
        .tag("kind", kind)
        .tag("outcome", outcome)
        .register(registry);
  }

  private static Timer.Builder histogram(Timer.Builder builder) {
    return builder
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofMinutes(1));
  }

  void waited(long nanos) {
    writeWait.record(nanos, TimeUnit.NANOSECONDS);
  }

  void writes(boolean committed, int writes, long nanos) {
    (committed ? writesCommitted : writesFailed).record(nanos, TimeUnit.NANOSECONDS);
    if (committed) {
      batchWrites.record(writes);
    }
  }

  void offsets(boolean committed, long nanos) {
    (committed ? offsetsCommitted : offsetsFailed).record(nanos, TimeUnit.NANOSECONDS);
  }
}
