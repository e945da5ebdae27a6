package io.faultline.policy.admission;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.control.FaultControl;
import io.faultline.events.topics.Topics;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns halt and resume controls into halt switches. Aborts are the executor's business and are
 * ignored here; a tombstone for a halt scope resumes it (compaction removed the halt).
 */
final class ControlIntake extends ContextualProcessor<String, byte[], String, Intake> {
  private static final Logger log = LoggerFactory.getLogger(ControlIntake.class);

  @Override
  public void process(Record<String, byte[]> record) {
    try {
      FaultlineEvent<FaultControl> event =
          EventCodec.standard()
              .decode(Topics.FAULT_CONTROLS, record.key(), record.headers(), record.value());
      if (event == null) {
        String key = record.key();
        if (key != null && (key.equals(FaultControl.PLATFORM_KEY) || key.startsWith("tenant/"))) {
          forward(new AdmissionCommand.HaltChanged(key, false), record);
        }
        return;
      }
      FaultControl control = event.data();
      switch (control.action()) {
        case HALT_TENANT, HALT_PLATFORM ->
            forward(new AdmissionCommand.HaltChanged(control.key(), true), record);
        case RESUME_TENANT, RESUME_PLATFORM ->
            forward(new AdmissionCommand.HaltChanged(control.key(), false), record);
        case ABORT_FAULT, ABORT_RUN -> {}
      }
    } catch (RuntimeException e) {
      log.warn("invalid control for key {} skipped: {}", record.key(), e.getMessage());
    }
  }

  private void forward(AdmissionCommand command, Record<String, byte[]> record) {
    context()
        .forward(
            new Record<String, Intake>(
                AdmissionTopology.ADMISSION_KEY, command, record.timestamp(), new RecordHeaders()));
  }
}
