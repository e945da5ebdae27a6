package io.faultline.benchmarks.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the whole-platform P1 driver for a few seconds (broker, the three services, a tiny backlog)
 * so it cannot rot: every signed request must be refused by its rule exactly once, and the CPU
 * columns read. No figure is asserted.
 */
class PlatformBenchmarkIT {
  private static final Map<String, String> SMOKE =
      Map.of("bench.backlog", "300", "bench.warmup", "100", "bench.tenants", "6");

  @AfterEach
  void clearProperties() {
    SMOKE.keySet().forEach(System::clearProperty);
  }

  @Test
  void decidesEverySignedRequestOnceAndReadsEveryProcessCpu() {
    SMOKE.forEach(System::setProperty);

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
