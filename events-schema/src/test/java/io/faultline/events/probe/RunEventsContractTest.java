package io.faultline.events.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.faultline.events.Fixtures;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.EventFamily;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.cloudevents.Json;
import io.faultline.events.control.ControlAction;
import io.faultline.events.control.ControlReason;
import io.faultline.events.control.FaultControl;
import io.faultline.events.control.StopConditionBreach;
import io.faultline.events.ids.RunId;
import io.faultline.events.topics.Topic;
import io.faultline.events.topics.Topics;
import io.faultline.events.validation.ContractViolationException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class RunEventsContractTest {
  private static final URI SOURCE = URI.create("/faultline/executor-service");
  private final EventCodec codec = EventCodec.standard();

  private <T> FaultlineEvent<T> roundTrip(Topic<T> topic, T data) {
    ProducerRecord<String, byte[]> record = codec.encode(topic, FaultlineEvent.of(SOURCE, data));
    return codec.decode(topic, record.key(), record.headers(), record.value());
  }

  @Test
  void aRunWatchTravelsKeyedByRunWithItsProbes() {
    RunWatch watch = Fixtures.aRunWatch("run-42");

    ProducerRecord<String, byte[]> record =
        codec.encode(Topics.RUN_WATCHES, FaultlineEvent.of(SOURCE, watch));
    FaultlineEvent<RunWatch> decoded = roundTrip(Topics.RUN_WATCHES, watch);

    assertThat(record.key()).isEqualTo("acme/run-42");
    assertThat(decoded.data()).isEqualTo(watch);
    assertThat(decoded.type()).isEqualTo("io.faultline.run.watch.v1");
    assertThat(decoded.subject()).isEqualTo("acme/run-42");
  }

  @Test
  void aRunWatchTombstoneReadsAsNoWatch() {
    ProducerRecord<String, byte[]> record =
        codec.encode(Topics.RUN_WATCHES, FaultlineEvent.of(SOURCE, Fixtures.aRunWatch("run-1")));
    assertThat(codec.decode(Topics.RUN_WATCHES, "acme/run-1", record.headers(), null)).isNull();
  }

  @Test
  void aRunWatchWithAnInvalidProbeNamesTheProbesField() {
    ObjectNode json = Json.mapper().valueToTree(Fixtures.aRunWatch("run-42"));
    ((ObjectNode) json.withArray("stopConditions").get(0)).put("region", "moon");
    ArrayNode steady = json.withArray("steadyState");
    steady.add(steady.get(0).deepCopy());

    assertThatThrownBy(
            () ->
                codec.fromJson(
                    EventFamily.RUN_WATCH,
                    RunWatch.class,
                    json.toString().getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            ContractViolationException.class,
            e -> {
              assertThat(e.has("$.stopConditions[0].region", "pattern")).isTrue();
              assertThat(e.has("$.steadyState[1].name", "uniqueName")).isTrue();
            });
  }

  @Test
  void aBakingWatchNeedsItsEnd() {
    ObjectNode json = Json.mapper().valueToTree(Fixtures.aRunWatch("run-42"));
    json.put("phase", "BAKING");
    assertThatThrownBy(
            () ->
                codec.fromJson(
                    EventFamily.RUN_WATCH,
                    RunWatch.class,
                    json.toString().getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            ContractViolationException.class,
            e -> assertThat(e.has("$.bakeUntil", "required")).isTrue());
  }

  @Test
  void aRunEventTravelsKeyedByTenant() {
    RunEvent reading =
        new RunEvent(
            "re-1",
            Fixtures.TENANT,
            RunId.of("run-42"),
            RunEventKind.PROBE_READING,
            "errors",
            ProbeReading.ofState(false, "ALARM"),
            WatchPhase.RUNNING,
            1,
            2L,
            Fixtures.NOW,
            null,
            null);

    ProducerRecord<String, byte[]> record =
        codec.encode(Topics.RUN_EVENTS, FaultlineEvent.of(SOURCE, reading));
    FaultlineEvent<RunEvent> decoded = roundTrip(Topics.RUN_EVENTS, reading);

    assertThat(record.key()).isEqualTo("acme");
    assertThat(decoded.data()).isEqualTo(reading);
    assertThat(decoded.type()).isEqualTo("io.faultline.run.v1");
    assertThat(decoded.subject()).isEqualTo("run-42");
  }

  @Test
  void readingsAreBoundedAndVerdictsOnlyOnVerdictEvents() {
    ProbeReading reading = ProbeReading.unreadable("x".repeat(10_000));
    assertThat(reading.error()).hasSize(ProbeReading.MAX_ERROR);
    assertThat(reading.ok()).isFalse();
    assertThatThrownBy(
            () ->
                new RunEvent(
                    "re-2",
                    Fixtures.TENANT,
                    RunId.of("run-42"),
                    RunEventKind.BAKE_HELD,
                    null,
                    null,
                    WatchPhase.BAKING,
                    1,
                    3L,
                    Fixtures.NOW,
                    Verdict.HYPOTHESIS_HELD,
                    null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aStopConditionAbortNamesTheProbeAndItsReading() {
    FaultControl abort =
        FaultControl.stopConditionAbort(
            "ctl-9",
            Fixtures.TENANT,
            RunId.of("run-42"),
            new StopConditionBreach(
                "errors", ProbeReading.ofState(false, "ALARM"), Fixtures.NOW, 2),
            "executor:e-1",
            Fixtures.NOW);

    FaultControl decoded = roundTrip(Topics.FAULT_CONTROLS, abort).data();

    assertThat(decoded).isEqualTo(abort);
    assertThat(decoded.action()).isEqualTo(ControlAction.ABORT_RUN);
    assertThat(decoded.reasonCode()).isEqualTo(ControlReason.STOP_CONDITION);
    assertThat(decoded.breach().reading().state()).isEqualTo("ALARM");
    assertThat(decoded.reason()).contains("errors", "ALARM");
  }

  @Test
  void aControlWithoutAReasonCodeStaysValidAndOmitsTheNewFields() {
    FaultControl halt = Fixtures.aHalt();
    String json = new String(codec.toJson(halt), StandardCharsets.UTF_8);

    assertThat(json).doesNotContain("reasonCode").doesNotContain("breach");
    assertThat(roundTrip(Topics.FAULT_CONTROLS, halt).data()).isEqualTo(halt);
  }

  @Test
  void aBreachOnAnythingButAnAbortRunIsRefused() {
    ObjectNode json = Json.mapper().valueToTree(Fixtures.aHalt());
    json.put("reasonCode", "STOP_CONDITION");
    assertThatThrownBy(
            () ->
                codec.fromJson(
                    EventFamily.FAULT_CONTROL,
                    FaultControl.class,
                    json.toString().getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            ContractViolationException.class,
            e -> {
              assertThat(e.has("$.breach", "required")).isTrue();
              assertThat(e.has("$.action", "const")).isTrue();
            });
  }
}
