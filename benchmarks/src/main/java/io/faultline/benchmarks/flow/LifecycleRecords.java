package io.faultline.benchmarks.flow;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.topics.Topics;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A lifecycle record as the drivers' taps read it: its event, or empty when the record cannot be
 * read (a missing header, a value outside the contract), so a tap skips it and keeps reading.
 */
public final class LifecycleRecords {
  private LifecycleRecords() {}

  public static Optional<FaultLifecycleEvent> event(ConsumerRecord<String, byte[]> record) {
    try {
      return Optional.of(
          EventCodec.standard()
              .decode(Topics.FAULT_LIFECYCLE, record.key(), record.headers(), record.value())
              .data());
    } catch (RuntimeException unreadable) {
      return Optional.empty();
    }
  }
}
