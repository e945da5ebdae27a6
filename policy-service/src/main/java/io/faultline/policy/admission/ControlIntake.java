package io.faultline.policy.admission;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.control.FaultControl;
import io.faultline.events.topics.Topics;
import io.faultline.telemetry.kafka.PoisonRecords;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Turns halt and resume controls into halt switches. Aborts are the executor's business and are
 * ignored here; a tombstone for a halt scope resumes it (compaction removed the halt). An
 * unreadable control is poison, counted and skipped.
 */
final class ControlIntake extends IntakeProcessor {

  ControlIntake(PoisonRecords poison) {
    super(poison);
  }

  @Override
  Intake read(Record<String, byte[]> record) {
    FaultlineEvent<FaultControl> event =
        EventCodec.standard()
            .decode(Topics.FAULT_CONTROLS, record.key(), record.headers(), record.value());
    if (event == null) {
      String key = record.key();
      if (key != null && (key.equals(FaultControl.PLATFORM_KEY) || key.startsWith("tenant/"))) {
        return new AdmissionCommand.HaltChanged(key, false);
      }
      return null;
    }
    FaultControl control = event.data();
    return switch (control.action()) {
      case HALT_TENANT, HALT_PLATFORM -> new AdmissionCommand.HaltChanged(control.key(), true);
      case RESUME_TENANT, RESUME_PLATFORM -> new AdmissionCommand.HaltChanged(control.key(), false);
      case ABORT_FAULT, ABORT_RUN -> null;
    };
  }
}
