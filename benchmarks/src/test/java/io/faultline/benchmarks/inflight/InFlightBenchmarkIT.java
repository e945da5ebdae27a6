package io.faultline.benchmarks.inflight;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the P3 driver for a few seconds (50 held faults, 50 dry runs, the reference) so it cannot
 * rot: the rows must be sane (every fault INJECTED and then ended by the halt, every dry run
 * completed, CPU and heap read). No figure is asserted.
 */
class InFlightBenchmarkIT {
  private static final Map<String, String> SMOKE =
      Map.of(
          "bench.faults", "50",
          "bench.accounts", "5",
          "bench.tenants", "2",
          "bench.dryWarmup", "10",
          "bench.dryRuns", "50",
          "bench.timeoutSeconds", "600");

  @AfterEach
  void clearProperties() {
    SMOKE.keySet().forEach(System::clearProperty);
  }

  @Test
  void printsSaneRowsForHeldFaultsDryRunsAndTheReference() {
    SMOKE.forEach(System::setProperty);

    P3Report report = InFlightBenchmark.run(InFlightSettings.fromSystemProperties());

    P3Report.InFlight held = report.inFlight();
    assertThat(held.faults()).isEqualTo(50);
    assertThat(held.injected()).as("held faults INJECTED").isEqualTo(50);
    assertThat(held.inFlight()).as("in flight when the heap was read").isEqualTo(50);
    assertThat(held.ended()).isEqualTo(50);
    assertThat(held.endings()).isEqualTo(Map.of("ABORTED HALTED", 50L));
    assertThat(held.heapBaselineBytes()).isPositive();
    assertThat(held.heapLoadedBytes()).isPositive();
    assertThat(held.executorCpuInject()).isPositive();
    assertThat(held.brokerCpuInject()).isPositive();
    assertThat(held.executorCpuHalt()).isPositive();
    assertThat(report.dryRuns())
        .hasValueSatisfying(
            dry -> {
              assertThat(dry.ended()).isEqualTo(50);
              assertThat(dry.endings()).isEqualTo(Map.of("COMPLETED", 50L));
              assertThat(dry.executorCpuSeconds()).isPositive();
              assertThat(dry.brokerCpuSeconds()).isPositive();
              assertThat(dry.lifecycleRecords()).isPositive();
            });
    assertThat(report.reference())
        .hasValueSatisfying(reference -> assertThat(reference.records()).isPositive());
    ByteArrayOutputStream table = new ByteArrayOutputStream();
    report.print(new PrintStream(table, true, StandardCharsets.UTF_8));
    System.out.print(table.toString(StandardCharsets.UTF_8));
    assertThat(table.toString(StandardCharsets.UTF_8))
        .contains("| 50 | 50 | 50 |", "dry run: approval → terminal event", "raw: plain producer");
  }
}
