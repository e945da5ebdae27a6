package io.faultline.executor.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.faultline.events.topics.Topics;
import io.faultline.executor.RawRecords;
import io.faultline.executor.TestFaults;
import io.faultline.executor.kafka.KafkaClients;
import io.faultline.testsupport.TestKafka;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A ledger whose producer is left refusing every transactional call (as one in an error state it
 * cannot leave does: the coordinator answered INVALID_TXN_STATE under load in the flow benchmark,
 * and every later write failed while the executor stayed up) replaces it under the same
 * transactional id and writes on, on a real broker; a replacement that cannot start fails the
 * ledger for good, which stops intake and hands its faults over.
 */
class FaultLedgerRenewalIT {
  private static final Duration MAX_BLOCK = Duration.ofSeconds(30);

  @BeforeAll
  static void topics() {
    TestFaults.createTopics();
  }

  @Test
  void aProducerThatRefusesEveryTransactionIsReplacedAndTheNextWriteCommits() {
    String tenant = TestFaults.unique("renew");
    try (FaultLedger ledger =
        new FaultLedger(TestKafka.bootstrapServers(), TestFaults.unique("ledger-it"))) {
      ledger.write(
          LedgerFixtures.started(tenant, "f-before", "fine"),
          null,
          LedgerFixtures.entry(tenant, "f-before"));
      KafkaProducer<String, byte[]> first = ledger.producer();
      // A closed producer refuses every call, as one in a fatal error state does.
      first.close(Duration.ZERO);

      ledger.write(
          LedgerFixtures.started(tenant, "f-after", "fine"),
          null,
          LedgerFixtures.entry(tenant, "f-after"));

      assertThat(ledger.producer()).isNotSameAs(first);
      assertThat(ledger.failed()).isFalse();
    }
    assertThat(LedgerFixtures.lifecycleFaultIds(tenant)).containsExactly("f-before", "f-after");
    assertThat(RawRecords.read(Topics.EXECUTION_JOURNAL.name(), k -> k.startsWith(tenant + "/")))
        .extracting(ConsumerRecord::key)
        .containsExactlyInAnyOrder(tenant + "/f-before", tenant + "/f-after");
  }

  @Test
  void aReplacementThatCannotStartFailsTheLedgerAndTheWrite() {
    String tenant = TestFaults.unique("renew");
    Supplier<KafkaProducer<String, byte[]>> real =
        FaultLedger.producers(
            KafkaClients.of(TestKafka.bootstrapServers()),
            TestFaults.unique("ledger-it"),
            MAX_BLOCK);
    AtomicInteger made = new AtomicInteger();
    Supplier<KafkaProducer<String, byte[]>> secondIsClosed =
        () -> {
          KafkaProducer<String, byte[]> producer = real.get();
          if (made.incrementAndGet() > 1) {
            producer.close(Duration.ZERO);
          }
          return producer;
        };
    List<Exception> heard = new CopyOnWriteArrayList<>();
    try (FaultLedger ledger = new FaultLedger(secondIsClosed, MAX_BLOCK)) {
      ledger.onFailure(heard::add);
      ledger.producer().close(Duration.ZERO);

      assertThatThrownBy(
              () ->
                  ledger.write(
                      LedgerFixtures.started(tenant, "f-lost", "fine"),
                      null,
                      LedgerFixtures.entry(tenant, "f-lost")))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("ledger write failed: ");
      assertThat(ledger.failed()).isTrue();
      assertThat(heard).hasSize(1);
      assertThat(made).hasValue(2);
    }
    assertThat(RawRecords.read(Topics.FAULT_LIFECYCLE.name(), tenant::equals)).isEmpty();
  }
}
