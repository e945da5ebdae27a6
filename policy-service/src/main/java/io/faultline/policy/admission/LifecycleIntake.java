package io.faultline.policy.admission;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleFields;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.topics.Topics;
import io.faultline.telemetry.kafka.PoisonRecords;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Reads the executor's lifecycle events: their sequence (so a lease expiry numbers itself after
 * them) and terminal stages (which release leases). The policy service's own decisions are
 * recognised by their {@code ce_type} header and skipped without decoding; the executor's are read
 * for those three fields only ({@link ExecutorEvents}). A record with a header without a value, or
 * one that breaks the rules of the fields read, is poison, counted and skipped: it releases
 * nothing.
 */
final class LifecycleIntake extends IntakeProcessor {
  private static final Set<String> OWN_TYPES =
      Stream.of(LifecycleStage.values())
          .filter(s -> s.producer().equals(AdmissionTopology.PRODUCER))
          .map(LifecycleStage::cloudEventType)
          .collect(Collectors.toUnmodifiableSet());

  LifecycleIntake(PoisonRecords poison) {
    super(poison);
  }

  @Override
  Intake read(Record<String, byte[]> record) {
    requireHeaderValues(record.headers());
    String type = header(record.headers(), "ce_type");
    if (type != null && OWN_TYPES.contains(type)) {
      return null;
    }
    return ExecutorEvents.progress(record.key(), type, record.headers(), record.value())
        .orElseGet(() -> decodeInFull(record));
  }

  /** A structured-mode event (or one without ce_type): decoded and validated whole. */
  private static AdmissionCommand.Progress decodeInFull(Record<String, byte[]> record) {
    FaultlineEvent<FaultLifecycleEvent> event =
        EventCodec.standard()
            .decode(Topics.FAULT_LIFECYCLE, record.key(), record.headers(), record.value());
    FaultLifecycleEvent data = event.data();
    if (data.stage().producer().equals(AdmissionTopology.PRODUCER)) {
      return null;
    }
    return ExecutorEvents.progressOf(LifecycleFields.of(data));
  }
}
