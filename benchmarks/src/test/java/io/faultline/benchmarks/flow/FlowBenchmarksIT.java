package io.faultline.benchmarks.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Runs each flow driver on one platform started once (broker, AWS stub, the three services from
 * their boot jars). By default each runs for a few seconds so CI proves it still works; with {@code
 * -Dbench.full=true} they measure the README's figures. Only the tables' shape is asserted, never a
 * figure. Tables are printed and appended to {@code target/bench/flow-results.md}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FlowBenchmarksIT {
  private static BenchPlatform platform;

  @BeforeAll
  static void start() {
    platform = BenchPlatform.start();
    warmUp();
  }

  @AfterAll
  static void stop() {
    if (platform != null) {
      platform.close();
    }
  }

  @Test
  @Order(1)
  void p2RequestToFirstSendCommand() {
    Table table = RequestLatency.fromProperties().run(platform);

    print(table);
    // Per rate: the whole path, its two legs, the executor's three steps, its assume-role and
    // resolve-targets phases, its ledger's waits and transactions (writes, offsets); the
    // tag-selected round (the whole path, STARTED -> TARGETS_RESOLVED, the claim); then the raw
    // legs.
    assertThat(table.rows()).hasSize(RequestLatency.fromProperties().rates().size() * 14 + 2);
    assertThat(table.rows())
        .allSatisfy(row -> assertThat(Integer.parseInt(row.get(3))).isPositive());
    // Each tag-selected fault selects an instance of its own: every claim is granted in full.
    assertThat(table.rows())
        .filteredOn(row -> row.get(0).startsWith("tag-selected"))
        .isNotEmpty()
        .allSatisfy(row -> assertThat(row.get(3)).as(row.get(0)).isEqualTo(row.get(2)));
    assertThat(platform.aws().unknownCalls()).isZero();
  }

  @Test
  @Order(2)
  void p4AwsCallsPerFault() {
    CallsPerFault driver = CallsPerFault.fromProperties();
    Table table = driver.run(platform);

    print(table);
    for (int size : driver.targets()) {
      assertThat(table.rows())
          .filteredOn(row -> row.get(0).equals(Integer.toString(size)))
          .extracting(row -> row.get(1))
          .contains("SendCommand inject", "SendCommand rollback", "GetCommandInvocation");
    }
    assertThat(platform.aws().unknownCalls()).isZero();
  }

  @Test
  @Order(3)
  void p5HaltToRollbackWithOneAndTwoExecutors() {
    HaltLatency driver = HaltLatency.fromProperties();
    Table.Builder builder = HaltLatency.table();
    driver.run(platform, builder);
    ensureTwoExecutors();
    driver.run(platform, builder);
    Table table = builder.build();

    print(table);
    assertThat(table.rows()).hasSize(2);
    assertThat(table.rows())
        .allSatisfy(row -> assertThat(Integer.parseInt(row.get(2))).isPositive());
  }

  @Test
  @Order(4)
  void breachToRollbackWithTwoExecutors() {
    ensureTwoExecutors();
    Table table = BreachLatency.fromProperties().run(platform);

    print(table);
    assertThat(table.rows())
        .singleElement()
        .satisfies(row -> assertThat(Integer.parseInt(row.get(2))).isPositive());
    assertThat(platform.aws().unknownCalls()).isZero();
  }

  private static void ensureTwoExecutors() {
    if (platform.executors() < 2) {
      platform.addExecutor();
      // The new executor takes half the approvals' partitions, and half the warm-up with them.
      warmUp();
    }
  }

  /** Every figure is measured on warm services (JitWarmup); the cold round is printed too. */
  private static void warmUp() {
    Table table = JitWarmup.fromProperties().run(platform);
    print(table);
    assertThat(table.rows()).singleElement();
  }

  private static void print(Table table) {
    String text =
        "<!-- "
            + Instant.now()
            + ", load average "
            + loadAverage()
            + ", bench.full="
            + Boolean.getBoolean("bench.full")
            + " -->\n"
            + table.markdown();
    System.out.println(text);
    try {
      Path out = Path.of(System.getProperty("faultline.bench.work-dir", "target/bench"));
      Files.createDirectories(out);
      Files.writeString(
          out.resolve("flow-results.md"),
          text + "\n",
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the results", e);
    }
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
