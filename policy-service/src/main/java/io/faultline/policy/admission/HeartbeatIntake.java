package io.faultline.policy.admission;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.heartbeat.ExecutorHeartbeat;
import io.faultline.events.topics.Topics;
import io.faultline.telemetry.kafka.PoisonRecords;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Reads executor heartbeats (ADR 0007) into {@code Heartbeat} commands; the record's timestamp is
 * the broker's append time (the topic is {@code LogAppendTime}) and travels with the commands: one
 * per tenant named, on that tenant's admission partition, then an empty one on every partition. An
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
    // One command per tenant on the tenant's partition, then the clock (no faults) on every
    // partition: a partition none of whose tenants runs a fault must still see time pass, or its
    // unstarted approvals would never expire (ADR 0007 §3-4, ADR 0012).
    Map<String, List<AdmissionCommand.Heartbeat.Running>> byTenant = new LinkedHashMap<>();
    heartbeat
        .faults()
        .forEach(
            f ->
                byTenant
                    .computeIfAbsent(f.tenantId().value(), t -> new ArrayList<>())
                    .add(
                        new AdmissionCommand.Heartbeat.Running(
                            f.tenantId().value(),
                            f.faultId().value(),
                            f.accountId() == null ? null : f.accountId().value())));
    List<AdmissionCommand> commands = new ArrayList<>();
    byTenant
        .values()
        .forEach(
            faults -> commands.add(new AdmissionCommand.Heartbeat(heartbeat.executorId(), faults)));
    commands.add(new AdmissionCommand.Heartbeat(heartbeat.executorId(), List.of()));
    return new Intake.Commands(commands);
  }
}
