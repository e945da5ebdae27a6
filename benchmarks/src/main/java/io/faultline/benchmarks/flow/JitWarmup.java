package io.faultline.benchmarks.flow;

import java.util.List;
import java.util.UUID;

/**
 * Brings freshly started services to their steady state before anything is measured: {@code
 * requests} signed requests (each held 1 s) at {@code rate}, waited for until every fault has
 * ended. The services run on the images' JVM with full JIT; measured cold, the first thousands of
 * faults of a platform start cost several times what they cost once compiled, and every figure
 * would depend on which driver ran first. The round's own latencies are printed as the cold figure.
 *
 * @param requests how many (0: no warm-up)
 * @param rate requests per second
 * @param tenants tenants the requests are spread over
 * @param accountsPerTenant accounts of each tenant
 */
public record JitWarmup(int requests, int rate, int tenants, int accountsPerTenant) {

  /** From {@code bench.warmup.*} system properties, a few requests unless {@code bench.full}. */
  public static JitWarmup fromProperties() {
    boolean full = !Settings.smoke();
    return new JitWarmup(
        Settings.count("bench.warmup.requests", full ? 10_000 : 20),
        Math.max(1, Settings.count("bench.warmup.rate", full ? 500 : 50)),
        4,
        10);
  }

  /** Runs the warm-up round; its table says how the cold platform did. */
  public Table run(BenchPlatform platform) {
    Table.Builder table =
        Table.titled(
            "JIT warm-up before measuring (cold services: not a figure)",
            "executors",
            "rate/s",
            "sent",
            "reached SendCommand",
            "p50 ms",
            "p99 ms",
            "max ms",
            "all ended after s");
    if (requests == 0) {
      return table.row(platform.executors(), rate, 0, 0, "-", "-", "-", "-").build();
    }
    List<BenchTenant> all = BenchTenant.registered(platform, "wu", tenants, accountsPerTenant);
    String prefix = "wu" + UUID.randomUUID().toString().substring(0, 6);
    long start = System.nanoTime();
    Latencies latencies =
        Load.round(platform, all, prefix, rate, requests, 1, Load.Selection.INSTANCE_ID).toInject();
    double endedAfter = (System.nanoTime() - start) / 1e9;
    return table
        .row(
            platform.executors(),
            rate,
            requests,
            latencies.count(),
            Table.ms(latencies.ms(50)),
            Table.ms(latencies.ms(99)),
            Table.ms(latencies.maxMs()),
            String.format("%.1f", endedAfter))
        .build();
  }
}
