package io.faultline.executor.lifecycle;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;

/** The records of one ledger write, and the size check they pass before joining a batch. */
final class LedgerRecords {
  // Kafka's record batch header plus one record's varints and attributes, rounded up.
  private static final int RECORD_OVERHEAD = 128;

  private LedgerRecords() {}

  /**
   * The journal entry's record (keyed by fault key, on the approval's partition) and the event's
   * (its id derived from tenant, fault id and sequence, so a re-published event keeps its id).
   */
  static List<ProducerRecord<String, byte[]>> of(
      FaultLifecycleEvent event, String traceparent, JournalEntry entry) {
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>(2);
    if (entry != null) {
      records.add(
          new ProducerRecord<>(
              Topics.EXECUTION_JOURNAL.name(),
              entry.approvalPartition(),
              entry.faultKey(),
              entry.toJson()));
    }
    if (event != null) {
      String id =
          UUID.nameUUIDFromBytes(
                  (event.tenantId().value()
                          + "/"
                          + event.faultId().value()
                          + "/"
                          + event.sequence())
                      .getBytes(StandardCharsets.UTF_8))
              .toString();
      records.add(
          EventCodec.standard()
              .encode(
                  Topics.FAULT_LIFECYCLE,
                  FaultlineEvent.of(id, FaultLedger.SOURCE, event, traceparent)));
    }
    return records;
  }

  /**
   * The first record over {@link FaultLedger#MAX_RECORD_BYTES}, as the refusal: one oversized
   * record would abort every fault's writes in the shared transaction, not only its own.
   */
  static Optional<FaultLedger.RecordTooLargeException> oversized(
      List<ProducerRecord<String, byte[]>> records, FaultLifecycleEvent event, JournalEntry entry) {
    for (ProducerRecord<String, byte[]> record : records) {
      int size = recordBytes(record);
      if (size > FaultLedger.MAX_RECORD_BYTES) {
        String fault =
            entry != null
                ? entry.faultKey()
                : event.tenantId().value() + "/" + event.faultId().value();
        boolean journal = record.topic().equals(Topics.EXECUTION_JOURNAL.name());
        return Optional.of(
            new FaultLedger.RecordTooLargeException(
                (journal ? "the journal entry" : "the lifecycle event") + " of fault " + fault,
                size));
      }
    }
    return Optional.empty();
  }

  /** What a record weighs on the wire, at most. */
  static int recordBytes(ProducerRecord<String, byte[]> record) {
    int size = RECORD_OVERHEAD + (record.value() == null ? 0 : record.value().length);
    size += record.key() == null ? 0 : record.key().getBytes(StandardCharsets.UTF_8).length;
    for (var header : record.headers()) {
      size += header.key().length() + (header.value() == null ? 0 : header.value().length) + 8;
    }
    return size;
  }
}
