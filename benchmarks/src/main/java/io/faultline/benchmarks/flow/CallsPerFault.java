package io.faultline.benchmarks.flow;

import io.faultline.benchmarks.aws.AwsCall;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * P4: the AWS calls one tag-selected process kill makes, by operation, for several target counts:
 * each fault in an account of its own (its calls are told apart by the credentials they carry), its
 * tag resolving at the stub to that many running instances, held one second, to its end. Expected
 * beside measured: {@code SendCommand} ⌈targets/50⌉ per direction (inject, rollback); one {@code
 * GetCommandInvocation} per target and direction when commands succeed at once.
 *
 * @param targets the target counts, one row each
 * @param faultsPerSize faults measured per count (their calls averaged)
 */
public record CallsPerFault(List<Integer> targets, int faultsPerSize) {

  /** From {@code bench.p4.*} system properties, tiny defaults unless {@code bench.full=true}. */
  public static CallsPerFault fromProperties() {
    boolean full = Boolean.getBoolean("bench.full");
    return new CallsPerFault(
        Settings.ints("bench.p4.targets", full ? "1,50,500" : "1,60"),
        Integer.getInteger("bench.p4.faults", full ? 3 : 1));
  }

  public Table run(BenchPlatform platform) {
    Table.Builder table =
        Table.titled(
            "P4 AWS calls per tag-selected ec2-process-kill (mean over "
                + faultsPerSize
                + " faults per size; pre-check skipped as in the harness)",
            "targets",
            "operation",
            "measured per fault",
            "expected");
    for (int size : targets) {
      Map<String, Double> perFault = measure(platform, size);
      int batches = (size + 49) / 50;
      perFault.forEach(
          (operation, mean) ->
              table.row(
                  size,
                  operation,
                  String.format("%.2f", mean),
                  expected(operation, size, batches)));
    }
    return table.build();
  }

  private static String expected(String operation, int size, int batches) {
    return switch (operation) {
      case "SendCommand inject", "SendCommand rollback" -> Integer.toString(batches);
      case "GetCommandInvocation" -> ">= " + 2 * size + " (one per target and direction)";
      case "AssumeRole", "DescribeDocument" -> "<= 1 (cached per account)";
      case "DescribeInstances" -> "1 (one page)";
      default -> "-";
    };
  }

  private Map<String, Double> measure(BenchPlatform platform, int size) {
    String tagValue = "p4-" + size;
    platform.aws().tag(tagValue, size);
    List<String> faults = new ArrayList<>();
    List<String> accounts = new ArrayList<>();
    for (int i = 0; i < faultsPerSize; i++) {
      BenchTenant tenant = BenchTenant.create("p4", 1);
      platform.register(tenant.policy());
      String account = tenant.accounts().getFirst();
      String fault = "p4" + UUID.randomUUID().toString().substring(0, 8);
      platform.send(
          tenant.signed(tenant.processKill(fault, "run-" + fault, account, "app:" + tagValue, 1)));
      faults.add(fault);
      accounts.add(account);
    }
    Waits.until(
        platform,
        Duration.ofSeconds(120 + size / 5),
        () -> platform.lifecycle().ended(faults) == faults.size());
    Map<String, Double> counts = new TreeMap<>();
    for (AwsCall call : platform.aws().calls(c -> accounts.contains(c.account()))) {
      String operation =
          call.operation().equals("SendCommand")
              ? "SendCommand " + call.action()
              : call.operation();
      counts.merge(operation, 1.0 / faultsPerSize, Double::sum);
    }
    faults.forEach(
        f -> {
          if (platform.lifecycle().stage(f)
              != io.faultline.events.lifecycle.LifecycleStage.COMPLETED) {
            System.err.printf("P4 %s ended %s%n", f, platform.lifecycle().latest(f));
          }
        });
    return counts;
  }
}
