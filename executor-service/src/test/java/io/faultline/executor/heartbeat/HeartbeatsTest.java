package io.faultline.executor.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.heartbeat.ExecutorHeartbeat;
import io.faultline.events.heartbeat.ExecutorHeartbeat.RunningFault;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.FaultKey;
import io.faultline.events.topics.Topics;
import io.faultline.executor.lifecycle.JournalEntry.Phase;
import io.faultline.executor.run.InFlightFault;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class HeartbeatsTest {
  private static final Instant NOW = Instant.parse("2026-12-05T10:00:05Z");

  private static InFlightFault fault(int i, Phase phase) {
    return new InFlightFault(
        FaultKey.of("tenant-" + (i % 7), "run-4f2a.w1.t" + i),
        AccountId.of(Long.toString(111_111_111_111L + i % 100)),
        phase,
        i % 3);
  }

  private static FaultlineEvent<ExecutorHeartbeat> decoded(ProducerRecord<String, byte[]> r) {
    return EventCodec.standard()
        .decode(Topics.EXECUTOR_HEARTBEATS, r.key(), r.headers(), r.value());
  }

  @Test
  void namesEachPhaseOfARunningFaultByOneOfTheFourHeartbeatPhases() {
    assertThat(Heartbeats.phase(Phase.STARTED)).isEqualTo("STARTING");
    assertThat(Heartbeats.phase(Phase.RESOLVED)).isEqualTo("STARTING");
    assertThat(Heartbeats.phase(Phase.INJECTING)).isEqualTo("INJECTING");
    assertThat(Heartbeats.phase(Phase.HOLDING)).isEqualTo("HOLDING");
    assertThat(Heartbeats.phase(Phase.ROLLING_BACK)).isEqualTo("ROLLING_BACK");
  }

  @Test
  void neverNamesATerminalFault() {
    assertThatThrownBy(() -> Heartbeats.phase(Phase.TERMINAL))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> fault(1, Phase.TERMINAL)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void namesEachFaultWithItsTenantIdAccountAndOwnerEpoch() {
    RunningFault running = Heartbeats.running(fault(4, Phase.HOLDING));

    assertThat(running.tenantId().value()).isEqualTo("tenant-4");
    assertThat(running.faultId().value()).isEqualTo("run-4f2a.w1.t4");
    assertThat(running.accountId().value()).isEqualTo("111111111115");
    assertThat(running.epoch()).isEqualTo(1);
    assertThat(running.phase()).isEqualTo("HOLDING");
  }

  @Test
  void sendsOneEmptyRecordWhenNothingRuns() {
    List<ProducerRecord<String, byte[]>> records =
        Heartbeats.records("executor-7d9f", NOW, List.of());

    assertThat(records)
        .singleElement()
        .satisfies(r -> assertThat(r.key()).isEqualTo("executor-7d9f"));
    ExecutorHeartbeat beat = decoded(records.getFirst()).data();
    assertThat(beat.faults()).isEmpty();
    assertThat(beat.part()).isEqualTo(1);
    assertThat(beat.parts()).isEqualTo(1);
    assertThat(beat.sentAt()).isEqualTo(NOW);
  }

  @Test
  void splitsALargeBeatIntoReadableRecordsOfAtMostFiveThousandFaults() {
    List<InFlightFault> faults =
        IntStream.range(0, 4_001).mapToObj(i -> fault(i, Phase.HOLDING)).toList();

    List<ProducerRecord<String, byte[]>> records = Heartbeats.records("executor-7d9f", NOW, faults);

    assertThat(records).hasSize(3).allSatisfy(r -> assertThat(r.key()).isEqualTo("executor-7d9f"));
    List<ExecutorHeartbeat> beats = records.stream().map(r -> decoded(r).data()).toList();
    assertThat(beats).extracting(ExecutorHeartbeat::part).containsExactly(1, 2, 3);
    assertThat(beats).extracting(ExecutorHeartbeat::parts).containsOnly(3);
    assertThat(beats).extracting(b -> b.faults().size()).containsExactly(2_000, 2_000, 1);
    assertThat(beats.stream().flatMap(b -> b.faults().stream()).map(RunningFault::key).toList())
        .containsExactlyElementsOf(faults.stream().map(InFlightFault::key).toList());
  }
}
