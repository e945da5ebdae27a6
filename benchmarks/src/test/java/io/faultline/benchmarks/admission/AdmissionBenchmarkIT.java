package io.faultline.benchmarks.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the P1 driver for a few seconds (a tiny backlog, one and two instances, one slow rate, the
 * pipe) so it cannot rot: the table must have sane rows and every request exactly one decision. No
 * figure is asserted.
 */
class AdmissionBenchmarkIT {
  private static final String[] PROPERTIES = {
    "bench.instances",
    "bench.backlog",
    "bench.warmup",
    "bench.rates",
    "bench.seconds",
    "bench.tenants"
  };

  @AfterEach
  void clearProperties() {
    for (String property : PROPERTIES) {
      System.clearProperty(property);
    }
  }

  @Test
  void printsATableWhereEveryRequestIsDecidedExactlyOnce() {
    System.setProperty("bench.instances", "1,2");
    System.setProperty("bench.backlog", "500");
    System.setProperty("bench.warmup", "200");
    System.setProperty("bench.rates", "100");
    System.setProperty("bench.seconds", "3");
    System.setProperty("bench.tenants", "24");

    P1Report report = AdmissionBenchmark.run(BenchSettings.fromSystemProperties());

    assertThat(report.backlogs()).extracting(P1Report.Backlog::instances).containsExactly(1, 2);
    for (P1Report.Backlog backlog : report.backlogs()) {
      assertThat(backlog.approved()).as("approved of %s", backlog).isEqualTo(500);
      assertThat(backlog.rejected()).as("rejected of %s", backlog).isZero();
      assertThat(backlog.refused()).as("refused (signatures) of %s", backlog).isZero();
      assertThat(backlog.duplicates()).as("decisions seen twice in %s", backlog).isZero();
      assertThat(backlog.seconds()).isPositive();
      assertThat(backlog.policyCpuSeconds()).isPositive();
      assertThat(backlog.brokerCpuSeconds()).isPositive();
    }
    assertThat(report.latencies())
        .singleElement()
        .satisfies(
            latency -> {
              assertThat(latency.decided()).isEqualTo(300);
              assertThat(latency.duplicates()).isZero();
              assertThat(latency.p99Millis()).isPositive();
            });
    assertThat(report.pipeRecords("eos")).contains(500L);
    assertThat(report.pipeRecords("plain")).contains(500L);
    ByteArrayOutputStream table = new ByteArrayOutputStream();
    report.print(new PrintStream(table, true, StandardCharsets.UTF_8));
    assertThat(table.toString(StandardCharsets.UTF_8))
        .contains("| policy | 1 | 500 | 500 |", "| policy | 2 | 500 | 500 |", "ratio policy");
  }
}
