package io.faultline.policy.admission;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the executor's lifecycle events: their sequence (so a lease expiry numbers itself after
 * them) and terminal stages (which release leases). The policy service's own decisions are
 * recognised by their {@code ce_type} header and skipped without decoding; the executor's are read
 * for those three fields only ({@link ExecutorEvents}).
 */
final class LifecycleIntake extends ContextualProcessor<String, byte[], String, Intake> {
  private static final Logger log = LoggerFactory.getLogger(LifecycleIntake.class);
  private static final Set<String> OWN_TYPES =
      Stream.of(LifecycleStage.values())
          .filter(s -> s.producer().equals(AdmissionTopology.PRODUCER))
          .map(LifecycleStage::cloudEventType)
          .collect(Collectors.toUnmodifiableSet());

  @Override
  public void process(Record<String, byte[]> record) {
    Header typeHeader = record.headers().lastHeader("ce_type");
    String type =
        typeHeader == null ? null : new String(typeHeader.value(), StandardCharsets.UTF_8);
    if (type != null && OWN_TYPES.contains(type)) {
      return;
    }
    try {
      AdmissionCommand.Progress progress =
          ExecutorEvents.progress(record.key(), type, record.headers(), record.value())
              .orElseGet(() -> decodeInFull(record));
      if (progress == null) {
        return;
      }
      context()
          .forward(
              new Record<String, Intake>(
                  AdmissionTopology.ADMISSION_KEY,
                  progress,
                  record.timestamp(),
                  new RecordHeaders()));
    } catch (RuntimeException e) {
      log.warn("invalid lifecycle event for key {} skipped: {}", record.key(), e.getMessage());
    }
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
    return new AdmissionCommand.Progress(
        data.faultId().value(), data.sequence(), data.stage().isTerminal());
  }
}
