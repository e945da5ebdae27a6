package io.faultline.benchmarks.admission;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the whole-platform P1 driver for a few seconds (broker, the three services, a tiny backlog)
 * so it cannot rot: every signed request must be refused by its rule exactly once, and the CPU
 * columns read. No figure is asserted.
 */
class PlatformBenchmarkIT {
  private static final String[] PROPERTIES = {"bench.backlog", "bench.warmup", "bench.tenants"};

  @AfterEach
  void clearProperties() {
    for (String property : PROPERTIES) {
      System.clearProperty(property);
    }
  }

  @Test
  void decidesEverySignedRequestOnceAndReadsEveryProcessCpu() {
    System.setProperty("bench.backlog", "300");
    System.setProperty("bench.warmup", "100");
    System.setProperty("bench.tenants", "6");

    PlatformBenchmark.Result result = PlatformBenchmark.run(BenchSettings.fromSystemProperties());

    assertThat(result.requests()).isEqualTo(300);
    assertThat(result.rejected()).as("refused by the region rule").isEqualTo(300);
    assertThat(result.decided()).isEqualTo(300);
    assertThat(result.approved()).isZero();
    assertThat(result.refused()).as("dead-lettered (signatures)").isZero();
    assertThat(result.duplicates()).as("decided twice").isZero();
    assertThat(result.seconds()).isPositive();
    assertThat(result.cpuPerThousand())
        .containsKeys("policy-service", "executor-service", "scheduler-service", "broker");
    assertThat(result.cpuPerThousand().get("policy-service")).isPositive();
    assertThat(result.cpuPerThousand().get("broker")).isPositive();
  }
}
