package io.faultline.executor.lifecycle;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * One queued ledger write; {@code owned} is asked again just before the transaction that would
 * commit it, so a fault released meanwhile (handed over, fenced) writes nothing more. Offsets to
 * commit with the approvals consumer's group metadata have no records.
 */
record LedgerWrite(
    List<ProducerRecord<String, byte[]>> records,
    JournalEntry entry,
    BooleanSupplier owned,
    Map<TopicPartition, OffsetAndMetadata> offsets,
    ConsumerGroupMetadata group,
    CompletableFuture<Void> done) {
  boolean isOffsets() {
    return offsets != null;
  }
}
