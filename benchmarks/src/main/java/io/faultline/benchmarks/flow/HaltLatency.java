package io.faultline.benchmarks.flow;

import io.faultline.events.lifecycle.LifecycleStage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * P5: a platform halt posted to the scheduler → the rollback {@code SendCommand} of every running
 * fault received at the AWS endpoint, with {@code faults} faults held (injected, in their hold)
 * over however many executors the platform runs. Resumes the platform afterwards and waits until a
 * new request runs again.
 *
 * @param faults faults in flight when the halt is posted
 * @param tenants tenants they are spread over
 * @param accountsPerTenant accounts of each tenant
 * @param publishRate how fast the faults are requested
 */
public record HaltLatency(int faults, int tenants, int accountsPerTenant, int publishRate) {

  /** From {@code bench.p5.*} system properties, tiny defaults unless {@code bench.full=true}. */
  public static HaltLatency fromProperties() {
    boolean full = Boolean.getBoolean("bench.full");
    return new HaltLatency(
        Integer.getInteger("bench.p5.faults", full ? 1000 : 20),
        Integer.getInteger("bench.p5.tenants", full ? 4 : 1),
        Integer.getInteger("bench.p5.accounts", full ? 10 : 2),
        Integer.getInteger("bench.p5.publish-rate", full ? 100 : 50));
  }

  /** One measurement: adds a row to {@code table}. */
  public void run(BenchPlatform platform, Table.Builder table) {
    List<BenchTenant> all = BenchTenant.registered(platform, "p5", tenants, accountsPerTenant);
    String prefix = "p5" + UUID.randomUUID().toString().substring(0, 6);
    var records =
        Load.requests(
            platform, all, prefix, "run-" + prefix, faults, 3_600, Load.Selection.INSTANCE_ID);
    List<String> ids = List.copyOf(Load.publish(platform, records, publishRate).keySet());
    Duration wait = Duration.ofSeconds(120 + faults / 10);
    boolean held =
        Waits.until(
            platform,
            wait,
            () ->
                ids.stream()
                    .allMatch(f -> platform.lifecycle().stage(f) == LifecycleStage.INJECTED));
    long holding =
        ids.stream().filter(f -> platform.lifecycle().stage(f) == LifecycleStage.INJECTED).count();
    if (!held) {
      System.err.printf(
          "P5: only %d of %d faults held when the halt was posted%n", holding, faults);
    }
    long haltAt = System.nanoTime();
    PlatformHalt.halt(platform.schedulerUri());
    Load.awaitCommands(platform, ids, "rollback", wait);
    Latencies latencies =
        Latencies.of(Load.since(platform, Map.copyOf(asMap(ids, haltAt)), "rollback"));
    Waits.until(platform, wait, () -> platform.lifecycle().ended(ids) == ids.size());
    long aborted = platform.lifecycle().endedAs(ids, LifecycleStage.ABORTED);
    table.row(
        platform.executors(),
        holding,
        latencies.count(),
        Table.ms(latencies.ms(50)),
        Table.ms(latencies.ms(99)),
        Table.ms(latencies.maxMs()),
        aborted);
    PlatformHalt.resume(platform.schedulerUri());
    awaitRunningAgain(platform, all.getFirst());
  }

  public static Table.Builder table() {
    return Table.titled(
        "P5 platform halt posted -> rollback SendCommand of every held fault",
        "executors",
        "faults held",
        "rolled back",
        "p50 ms",
        "p99 ms",
        "max ms",
        "ABORTED events");
  }

  private static Map<String, Long> asMap(List<String> ids, long at) {
    Map<String, Long> map = new java.util.HashMap<>();
    ids.forEach(id -> map.put(id, at));
    return map;
  }

  /**
   * After a resume: requests until one reaches its inject (the resume has reached every reader).
   */
  private static void awaitRunningAgain(BenchPlatform platform, BenchTenant tenant) {
    for (int attempt = 0; attempt < 30; attempt++) {
      String fault = "p5c" + UUID.randomUUID().toString().substring(0, 8);
      platform.send(
          tenant.signed(
              tenant.processKill(
                  fault, "run-" + fault, tenant.accounts().getFirst(), Load.instance(), 1)));
      if (Waits.until(
          platform,
          Duration.ofSeconds(5),
          () -> platform.aws().firstCommand(fault, "inject") != null)) {
        Waits.until(
            platform,
            Duration.ofSeconds(30),
            () -> platform.lifecycle().ended(List.of(fault)) == 1);
        return;
      }
    }
    throw new IllegalStateException("no request ran within 150 s of the platform's resume");
  }
}
