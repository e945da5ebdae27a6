package io.faultline.benchmarks.flow;

import java.util.List;
import java.util.UUID;

/**
 * P2: a signed request published → the first inject {@code SendCommand} of its fault received at
 * the AWS endpoint, through the real policy service and executor, at several rates; beside the raw
 * legs measured in the same run (a Kafka produce → consume round trip on the same broker, one SSM
 * SendCommand from the SDK to the stub). Each rate runs twice: faults naming their instance by id,
 * then faults selecting it by a tag, which claim it after resolution (the claim's share). Warm-up
 * rounds first send one request per account so assumed-role sessions and SSM documents are cached,
 * and tag-selected requests so the claim path is compiled.
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
    Load.round(
        platform,
        all,
        "p2w" + tag,
        20,
        tenants * accountsPerTenant,
        holdSeconds,
        Load.Selection.INSTANCE_ID);
    // The claim path (claims intake, admission's grant, the executor's grant reader) warmed too.
    Load.round(
        platform,
        all,
        "p2wt" + tag,
        Settings.smoke() ? 20 : 100,
        Settings.smoke() ? 20 : 2_000,
        holdSeconds,
        Load.Selection.TAG);

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
      Metered metered = metered(platform, all, prefix, rate, count, Load.Selection.INSTANCE_ID);
      Load.Round round = metered.round();
      ExecutorMeters meters = metered.meters();
      Rows rows = new Rows(table, rate, count);
      rows.latencies("request -> SendCommand", round.toInject());
      rows.latencies("  of which request -> APPROVED read", round.toApprovalRead());
      rows.latencies("  of which APPROVED read -> SendCommand", round.approvalReadToInject());
      Load.ExecutorSteps steps = round.executorSteps();
      rows.latencies("    APPROVED read -> STARTED built", steps.approvalReadToStarted());
      rows.latencies("    STARTED -> TARGETS_RESOLVED built", steps.startedToResolved());
      // The executor's own timers over the round (bucket bounds, not exact): the AWS side of
      // STARTED -> TARGETS_RESOLVED, and every ledger write of the round's faults, start to end.
      rows.histogram("      of which assume-role (cached session)", meters.assumeRole());
      rows.histogram("      of which resolve-targets", meters.resolveTargets());
      rows.latencies("    TARGETS_RESOLVED -> SendCommand", steps.resolvedToInject());
      rows.histogram("  executor ledger: write submitted -> committed", meters.writeWaits());
      rows.histogram(
          String.format(
              "  executor ledger: one transaction (%.1f writes each)",
              meters.writesPerTransaction()),
          meters.transactions());
      rows.histogram(
          "  executor ledger: one approvals-offsets transaction", meters.offsetTransactions());
      tagSelected(platform, all, prefix, rate, count, rows);
    }
    Latencies kafka = KafkaRoundTrip.measure(platform, Settings.smoke() ? 20 : 200);
    new Rows(table, "sequential", kafka.count()).latencies("raw: Kafka produce -> consume", kafka);
    Latencies ssm = SsmCall.measure(platform.aws(), Settings.smoke() ? 20 : 200);
    new Rows(table, "sequential", ssm.count()).latencies("raw: SDK SendCommand -> stub", ssm);
    return table.build();
  }

  /**
   * The same rate with every fault selecting its instance by a tag: the executor claims the
   * instance it resolved from the tenant's admission partition before acting (issue 16), one more
   * Kafka round trip through the policy service between STARTED and TARGETS_RESOLVED.
   */
  private void tagSelected(
      BenchPlatform platform,
      List<BenchTenant> all,
      String prefix,
      int rate,
      int count,
      Rows rows) {
    Metered metered = metered(platform, all, prefix + "t", rate, count, Load.Selection.TAG);
    rows.latencies("tag-selected: request -> SendCommand", metered.round().toInject());
    rows.latencies(
        "  of which STARTED -> TARGETS_RESOLVED built",
        metered.round().executorSteps().startedToResolved());
    rows.histogram(
        "    of which claim-targets (claim -> grant read)", metered.meters().claimTargets());
  }

  /** A round and what the executor's own meters recorded during it. */
  private record Metered(Load.Round round, ExecutorMeters meters) {}

  private Metered metered(
      BenchPlatform platform,
      List<BenchTenant> all,
      String prefix,
      int rate,
      int count,
      Load.Selection selection) {
    ExecutorMeters before = ExecutorMeters.of(platform.executorMetrics());
    Load.Round round = Load.round(platform, all, prefix, rate, count, holdSeconds, selection);
    return new Metered(round, ExecutorMeters.of(platform.executorMetrics()).since(before));
  }

  /** The rows of one rate (or of a raw leg: "sequential"), {@code sent} requests or samples. */
  private record Rows(Table.Builder table, Object rate, int sent) {
    void latencies(String leg, Latencies latencies) {
      table.row(
          leg,
          rate,
          sent,
          latencies.count(),
          Table.ms(latencies.ms(50)),
          Table.ms(latencies.ms(90)),
          Table.ms(latencies.ms(99)),
          Table.ms(latencies.maxMs()));
    }

    /** An executor timer's histogram: bucket bounds, no max. */
    void histogram(String leg, PromHistogram histogram) {
      table.row(
          leg + " (<= bucket)",
          rate,
          sent,
          histogram.count(),
          Table.ms(histogram.ms(0.5)),
          Table.ms(histogram.ms(0.9)),
          Table.ms(histogram.ms(0.99)),
          "-");
    }
  }
}
