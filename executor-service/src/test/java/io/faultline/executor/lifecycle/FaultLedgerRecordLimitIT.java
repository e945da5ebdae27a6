package io.faultline.executor.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.faultline.events.topics.Topics;
import io.faultline.executor.RawRecords;
import io.faultline.executor.TestFaults;
import io.faultline.executor.lifecycle.JournalEntry.Phase;
import io.faultline.testsupport.TestKafka;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ledger's group commit on a real broker: a record larger than a record may be is refused on
 * its own, before it joins a transaction, and the other faults' writes queued with it commit.
 */
class FaultLedgerRecordLimitIT {
  @BeforeAll
  static void topics() {
    TestFaults.createTopics();
  }

  @Test
  void anOversizedEventFailsOnlyItsOwnWrite() throws Exception {
    String tenant = TestFaults.unique("ledger");
    try (FaultLedger ledger =
        new FaultLedger(TestKafka.bootstrapServers(), TestFaults.unique("ledger-it"))) {
      List<CompletableFuture<Void>> others =
          List.of(
              ledger.submit(
                  LedgerFixtures.started(tenant, "f-before", "fine"),
                  null,
                  LedgerFixtures.entry(tenant, "f-before")));
      CompletableFuture<Void> oversized =
          ledger.submit(
              LedgerFixtures.started(tenant, "f-huge", "x".repeat(1_100_000)),
              null,
              LedgerFixtures.entry(tenant, "f-huge"));
      CompletableFuture<Void> after =
          ledger.submit(
              LedgerFixtures.started(tenant, "f-after", "fine"),
              null,
              LedgerFixtures.entry(tenant, "f-after"));

      assertThatThrownBy(() -> oversized.get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(FaultLedger.RecordTooLargeException.class)
          .hasMessageStartingWith("the lifecycle event of fault " + tenant + "/f-huge is ")
          .hasMessageContaining("bytes, over the 1048576-byte record limit; it was not written");
      others.getFirst().get(30, TimeUnit.SECONDS);
      after.get(30, TimeUnit.SECONDS);
      assertThatThrownBy(
              () ->
                  ledger.write(
                      LedgerFixtures.started(tenant, "f-huge", "x".repeat(1_100_000)), null, null))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("over the 1048576-byte record limit");
    }

    assertThat(LedgerFixtures.lifecycleFaultIds(tenant))
        .containsExactlyInAnyOrder("f-before", "f-after");
    assertThat(RawRecords.read(Topics.EXECUTION_JOURNAL.name(), k -> k.startsWith(tenant + "/")))
        .extracting(ConsumerRecord::key)
        .containsExactlyInAnyOrder(tenant + "/f-before", tenant + "/f-after");
  }

  @Test
  void anOversizedJournalEntryIsRefusedNamingTheFault() {
    String tenant = TestFaults.unique("ledger");
    JournalEntry huge =
        new JournalEntry(
            "f-wide",
            tenant,
            Phase.INJECTING,
            3,
            0,
            0,
            null,
            java.util.stream.IntStream.range(0, 30_000)
                .mapToObj(
                    i -> new JournalEntry.JournalTarget("i-%017x".formatted(i), "ec2-instance"))
                .toList(),
            List.of(),
            null,
            "ledger-it",
            Instant.now());
    try (FaultLedger ledger =
        new FaultLedger(TestKafka.bootstrapServers(), TestFaults.unique("ledger-it"))) {
      assertThatThrownBy(() -> ledger.write(null, null, huge))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("the journal entry of fault " + tenant + "/f-wide is ")
          .hasMessageContaining("over the 1048576-byte record limit");
    }
  }
}
