package io.faultline.executor.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.junit.jupiter.api.Test;

/** Which producer failures fail the ledger for good and which a new producer cures. */
class LedgerCommitsTest {
  @Test
  void anotherProducerOnTheTransactionalIdOrAMissingGrantIsFinal() {
    assertThat(LedgerCommits.fenced(new ProducerFencedException("newer producer"))).isTrue();
    assertThat(
            LedgerCommits.fenced(
                new KafkaException(
                    "Cannot execute transactional method because we are in an error state",
                    new InvalidProducerEpochException("old epoch"))))
        .isTrue();
    assertThat(LedgerCommits.fenced(new TransactionalIdAuthorizationException("denied"))).isTrue();
  }

  @Test
  void aBrokenTransactionOrSequenceIsCuredByANewProducer() {
    assertThat(
            LedgerCommits.fenced(
                new KafkaException(
                    "Cannot execute transactional method because we are in an error state",
                    new InvalidTxnStateException("invalid state"))))
        .isFalse();
    assertThat(LedgerCommits.fenced(new OutOfOrderSequenceException("sequence"))).isFalse();
    assertThat(
            LedgerCommits.fenced(
                new IllegalStateException(
                    "Cannot perform operation after producer has been closed")))
        .isFalse();
  }
}
