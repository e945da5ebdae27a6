package io.faultline.policy.admission;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.heartbeat.ExecutorHeartbeat;
import io.faultline.events.topics.Topics;
import io.faultline.telemetry.kafka.PoisonRecords;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Reads executor heartbeats (ADR 0007) into {@code Heartbeat} commands; the record's timestamp is
 * the broker's append time (the topic is {@code LogAppendTime}) and travels with the command. An
 * unreadable heartbeat is poison, counted and skipped: it renews nothing.
 */
final class HeartbeatIntake extends IntakeProcessor {
  HeartbeatIntake(PoisonRecords poison) {
    super(poison);
  }

  @Override
  Intake read(Record<String, byte[]> record) {
    ExecutorHeartbeat heartbeat =
        EventCodec.standard()
            .decode(Topics.EXECUTOR_HEARTBEATS, record.key(), record.headers(), record.value())
            .data();
    return new AdmissionCommand.Heartbeat(
        heartbeat.executorId(),
        heartbeat.faults().stream()
            .map(
                f ->
                    new AdmissionCommand.Heartbeat.Running(
                        f.tenantId().value(),
                        f.faultId().value(),
                        f.accountId() == null ? null : f.accountId().value()))
            .toList());
  }
}
