package io.faultline.executor.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.executor.TestFaults;
import io.faultline.executor.kafka.KafkaClients;
import io.faultline.testsupport.TestKafka;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ledger's meters on a real broker: every committed write's wait is timed once, every
 * transaction once, and the writes the transactions carried add up to the writes committed; a write
 * refused before any transaction is in neither.
 */
class FaultLedgerMetersIT {
  @BeforeAll
  static void topics() {
    TestFaults.createTopics();
  }

  @Test
  void timesEachCommittedWriteAndEachTransactionAndCountsTheWritesTheyCarried() throws Exception {
    String tenant = TestFaults.unique("ledger-meters");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (FaultLedger ledger =
        new FaultLedger(
            KafkaClients.of(TestKafka.bootstrapServers()),
            TestFaults.unique("ledger-meters-it"),
            registry)) {
      List<CompletableFuture<Void>> writes = new ArrayList<>();
      for (int i = 0; i < 25; i++) {
        writes.add(
            ledger.submit(
                LedgerFixtures.started(tenant, "f-" + i, "fine"),
                null,
                LedgerFixtures.entry(tenant, "f-" + i)));
      }
      CompletableFuture<Void> oversized =
          ledger.submit(
              LedgerFixtures.started(tenant, "f-huge", "x".repeat(1_100_000)), null, null);
      for (CompletableFuture<Void> write : writes) {
        write.get(30, TimeUnit.SECONDS);
      }
      assertThat(oversized).isCompletedExceptionally();
    }

    Timer wait = registry.get(LedgerMeters.WRITE_WAIT).timer();
    assertThat(wait.count()).isEqualTo(25);
    assertThat(wait.totalTime(TimeUnit.NANOSECONDS)).isPositive();
    Timer committed =
        registry
            .get(LedgerMeters.TRANSACTIONS)
            .tag("kind", "writes")
            .tag("outcome", "committed")
            .timer();
    DistributionSummary carried = registry.get(LedgerMeters.BATCH_WRITES).summary();
    assertThat(committed.count()).isBetween(1L, 25L).isEqualTo(carried.count());
    assertThat(carried.totalAmount()).isEqualTo(25.0);
    assertThat(
            registry
                .get(LedgerMeters.TRANSACTIONS)
                .tag("kind", "writes")
                .tag("outcome", "failed")
                .timer()
                .count())
        .isZero();
  }
}
