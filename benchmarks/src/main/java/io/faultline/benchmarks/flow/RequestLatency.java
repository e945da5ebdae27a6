package io.faultline.benchmarks.flow;

import java.util.List;
import java.util.UUID;

/**
 * P2: a signed request published → the first inject {@code SendCommand} of its fault received at
 * the AWS endpoint, through the real policy service and executor, at several rates; beside the raw
 * legs measured in the same run (a Kafka produce → consume round trip on the same broker, one SSM
 * SendCommand from the SDK to the stub). A warm-up round first sends one request per account so
 * assumed-role sessions and SSM documents are cached.
 *
 * @param rates requests per second, one round each
 * @param seconds how long each round publishes
 * @param tenants tenants the load is spread over
 * @param accountsPerTenant accounts of each tenant
 * @param holdSeconds each fault's {@code TOTAL_CHAOS_DURATION}
 */
public record RequestLatency(
    List<Integer> rates, int seconds, int tenants, int accountsPerTenant, int holdSeconds) {

  /** From {@code bench.p2.*} system properties, tiny defaults unless {@code bench.full=true}. */
  public static RequestLatency fromProperties() {
    boolean full = Boolean.getBoolean("bench.full");
    return new RequestLatency(
        Settings.ints("bench.p2.rates", full ? "100,500,2000" : "50"),
        Integer.getInteger("bench.p2.seconds", full ? 5 : 1),
        Integer.getInteger("bench.p2.tenants", full ? 4 : 1),
        Integer.getInteger("bench.p2.accounts", full ? 10 : 2),
        Integer.getInteger("bench.p2.hold-seconds", 1));
  }

  public Table run(BenchPlatform platform) {
    List<BenchTenant> all = BenchTenant.registered(platform, "p2", tenants, accountsPerTenant);
    String tag = UUID.randomUUID().toString().substring(0, 6);
    Load.round(platform, all, "p2w" + tag, 20, tenants * accountsPerTenant, holdSeconds);

    Table.Builder table =
        Table.titled(
            "P2 request published -> first SendCommand at the AWS endpoint ("
                + platform.executors()
                + " executor, "
                + tenants * accountsPerTenant
                + " accounts, hold "
                + holdSeconds
                + " s)",
            "leg",
            "rate/s",
            "sent",
            "reached SendCommand",
            "p50 ms",
            "p90 ms",
            "p99 ms",
            "max ms");
    for (int i = 0; i < rates.size(); i++) {
      int rate = rates.get(i);
      int count = rate * seconds;
      // The round's index keeps fault ids apart when a rate is listed twice.
      String prefix = "p2r" + i + "x" + rate + tag;
      ExecutorMeters before = ExecutorMeters.of(platform.executorMetrics());
      Load.Round round = Load.round(platform, all, prefix, rate, count, holdSeconds);
      ExecutorMeters meters = ExecutorMeters.of(platform.executorMetrics()).since(before);
      row(table, "request -> SendCommand", rate, count, round.toInject());
      row(table, "  of which request -> APPROVED read", rate, count, round.toApprovalRead());
      row(
          table,
          "  of which APPROVED read -> SendCommand",
          rate,
          count,
          round.approvalReadToInject());
      Load.ExecutorSteps steps = round.executorSteps();
      row(table, "    APPROVED read -> STARTED built", rate, count, steps.approvalReadToStarted());
      row(table, "    STARTED -> TARGETS_RESOLVED built", rate, count, steps.startedToResolved());
      // The executor's own timers over the round (bucket bounds, not exact): the AWS side of
      // STARTED -> TARGETS_RESOLVED, and every ledger write of the round's faults, start to end.
      meterRow(
          table, "      of which assume-role (cached session)", rate, count, meters.assumeRole());
      meterRow(table, "      of which resolve-targets", rate, count, meters.resolveTargets());
      row(table, "    TARGETS_RESOLVED -> SendCommand", rate, count, steps.resolvedToInject());
      meterRow(
          table,
          "  executor ledger: write submitted -> committed",
          rate,
          count,
          meters.writeWaits());
      meterRow(
          table,
          String.format(
              "  executor ledger: one transaction (%.1f writes each)",
              meters.writesPerTransaction()),
          rate,
          count,
          meters.transactions());
      meterRow(
          table,
          "  executor ledger: one approvals-offsets transaction",
          rate,
          count,
          meters.offsetTransactions());
    }
    Latencies kafka = KafkaRoundTrip.measure(platform, Settings.smoke() ? 20 : 200);
    table.row(
        "raw: Kafka produce -> consume",
        "sequential",
        kafka.count(),
        kafka.count(),
        Table.ms(kafka.ms(50)),
        Table.ms(kafka.ms(90)),
        Table.ms(kafka.ms(99)),
        Table.ms(kafka.maxMs()));
    Latencies ssm = SsmCall.measure(platform.aws(), Settings.smoke() ? 20 : 200);
    table.row(
        "raw: SDK SendCommand -> stub",
        "sequential",
        ssm.count(),
        ssm.count(),
        Table.ms(ssm.ms(50)),
        Table.ms(ssm.ms(90)),
        Table.ms(ssm.ms(99)),
        Table.ms(ssm.maxMs()));
    return table.build();
  }

  /** A row of an executor timer's histogram: bucket bounds, no max. */
  private static void meterRow(
      Table.Builder table, String leg, int rate, int count, PromHistogram histogram) {
    table.row(
        leg + " (<= bucket)",
        rate,
        count,
        histogram.count(),
        Table.ms(histogram.ms(0.5)),
        Table.ms(histogram.ms(0.9)),
        Table.ms(histogram.ms(0.99)),
        "-");
  }

  private static void row(
      Table.Builder table, String leg, int rate, int count, Latencies latencies) {
    table.row(
        leg,
        rate,
        count,
        latencies.count(),
        Table.ms(latencies.ms(50)),
        Table.ms(latencies.ms(90)),
        Table.ms(latencies.ms(99)),
        Table.ms(latencies.maxMs()));
  }
}
