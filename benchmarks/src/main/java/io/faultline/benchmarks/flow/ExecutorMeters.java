package io.faultline.benchmarks.flow;

import io.faultline.local.Prometheus;
import java.util.Map;

/**
 * The executor's own meters over a round, from two scrapes of its {@code /actuator/prometheus}: how
 * long fault threads waited for ledger writes, how long the ledger's transactions took and how many
 * writes each carried, and the assume-role, resolve-targets and claim-targets phases (the step
 * between STARTED and TARGETS_RESOLVED: its AWS side, and a tag-selected fault's claim of the
 * instances it resolved).
 */
record ExecutorMeters(
    PromHistogram writeWaits,
    PromHistogram transactions,
    PromHistogram offsetTransactions,
    double writesCarried,
    PromHistogram assumeRole,
    PromHistogram resolveTargets,
    PromHistogram claimTargets) {

  static ExecutorMeters of(Prometheus scrape) {
    return new ExecutorMeters(
        PromHistogram.of(scrape, "faultline_executor_ledger_write_wait_seconds", Map.of()),
        transactions(scrape, "writes"),
        transactions(scrape, "offsets"),
        scrape.find("faultline_executor_ledger_batch_writes_sum", Map.of()).stream()
            .mapToDouble(Prometheus.Sample::value)
            .sum(),
        phase(scrape, "assume-role"),
        phase(scrape, "resolve-targets"),
        phase(scrape, "claim-targets"));
  }

  private static PromHistogram transactions(Prometheus scrape, String kind) {
    return PromHistogram.of(
        scrape,
        "faultline_executor_ledger_transactions_seconds",
        Map.of("kind", kind, "outcome", "committed"));
  }

  private static PromHistogram phase(Prometheus scrape, String phase) {
    return PromHistogram.of(
        scrape,
        "faultline_executor_phase_duration_seconds",
        Map.of("phase", phase, "outcome", "ok"));
  }

  /** What was recorded after {@code before}. */
  ExecutorMeters since(ExecutorMeters before) {
    return new ExecutorMeters(
        writeWaits.since(before.writeWaits),
        transactions.since(before.transactions),
        offsetTransactions.since(before.offsetTransactions),
        writesCarried - before.writesCarried,
        assumeRole.since(before.assumeRole),
        resolveTargets.since(before.resolveTargets),
        claimTargets.since(before.claimTargets));
  }

  /** Writes per committed transaction, on average. */
  double writesPerTransaction() {
    return transactions.count() == 0 ? Double.NaN : writesCarried / transactions.count();
  }
}
