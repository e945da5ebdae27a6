package io.faultline.executor.heartbeat;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.heartbeat.ExecutorHeartbeat;
import io.faultline.events.heartbeat.ExecutorHeartbeat.RunningFault;
import io.faultline.events.topics.Topics;
import io.faultline.executor.lifecycle.FaultLedger;
import io.faultline.executor.lifecycle.JournalEntry.Phase;
import io.faultline.executor.run.InFlightFault;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/** What one beat says: the records of a snapshot of the faults in flight. Pure. */
final class Heartbeats {
  private Heartbeats() {}

  /**
   * The records of one beat, keyed by executor id: one (empty when nothing runs), or several of at
   * most {@link ExecutorHeartbeat#MAX_FAULTS_PER_RECORD} faults each.
   */
  static List<ProducerRecord<String, byte[]>> records(
      String executorId, Instant sentAt, List<InFlightFault> faults) {
    List<RunningFault> running = faults.stream().map(Heartbeats::running).toList();
    return ExecutorHeartbeat.of(executorId, sentAt, running).stream()
        .map(
            beat ->
                EventCodec.standard()
                    .encode(
                        Topics.EXECUTOR_HEARTBEATS, FaultlineEvent.of(FaultLedger.SOURCE, beat)))
        .toList();
  }

  static RunningFault running(InFlightFault fault) {
    return new RunningFault(
        fault.key().tenantId(),
        fault.key().faultId(),
        fault.accountId(),
        fault.epoch(),
        phase(fault.phase()));
  }

  /**
   * The heartbeat's phase of a journal phase: everything before the inject intent is {@code
   * STARTING} (accepted, resolving, ramping up); a terminal fault is no longer named.
   */
  static String phase(Phase phase) {
    return switch (phase) {
      case STARTED, RESOLVED -> "STARTING";
      case INJECTING -> "INJECTING";
      case HOLDING -> "HOLDING";
      case ROLLING_BACK -> "ROLLING_BACK";
      case TERMINAL ->
          throw new IllegalArgumentException("a terminal fault is not named in heartbeats");
    };
  }
}
