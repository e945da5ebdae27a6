package io.faultline.events.cloudevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.faultline.events.Fixtures;
import io.faultline.events.control.FaultControl;
import io.faultline.events.decision.FaultApproved;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.topics.Topic;
import io.faultline.events.topics.Topics;
import io.faultline.events.validation.ContractViolationException;
import java.net.URI;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EventCodecTest {
  private final EventCodec codec = EventCodec.standard();
  private static final URI SOURCE = URI.create("/faultline/test");

  private <T> FaultlineEvent<T> roundTrip(Topic<T> topic, T data, ContentMode mode) {
    FaultlineEvent<T> event =
        FaultlineEvent.of(
                "id-1", SOURCE, data, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
            .withMode(mode);
    ProducerRecord<String, byte[]> record = codec.encode(topic, event);
    return codec.decode(topic, record.key(), record.headers(), record.value());
  }

  @ParameterizedTest
  @EnumSource(ContentMode.class)
  void requestSurvivesBothContentModes(ContentMode mode) {
    FaultRequested request = Fixtures.aProcessKillRequest();
    FaultlineEvent<FaultRequested> decoded = roundTrip(Topics.FAULT_REQUESTS, request, mode);
    assertThat(decoded.data()).isEqualTo(request);
    assertThat(decoded.mode()).isEqualTo(mode);
    assertThat(decoded.subject()).isEqualTo("f-process-kill-1");
    assertThat(decoded.type()).isEqualTo("io.faultline.fault.requested.v1");
    assertThat(decoded.traceparent()).startsWith("00-4bf92f35");
  }

  @Test
  void approvalPolicyAndControlRoundTrip() {
    FaultApproved approval = Fixtures.anApproval(Fixtures.anHttpResetPeerRequest());
    assertThat(roundTrip(Topics.FAULT_APPROVALS, approval, ContentMode.BINARY).data())
        .isEqualTo(approval);
    TenantPolicy policy = Fixtures.aPolicy();
    assertThat(roundTrip(Topics.TENANT_POLICIES, policy, ContentMode.BINARY).data())
        .isEqualTo(policy);
    FaultControl halt = Fixtures.aHalt();
    assertThat(roundTrip(Topics.FAULT_CONTROLS, halt, ContentMode.STRUCTURED).data())
        .isEqualTo(halt);
  }

  @ParameterizedTest
  @EnumSource(LifecycleStage.class)
  void everyLifecycleStageRoundTrips(LifecycleStage stage) {
    FaultLifecycleEvent event = Fixtures.aLifecycleEvent(stage, 3);
    FaultlineEvent<FaultLifecycleEvent> decoded =
        roundTrip(Topics.FAULT_LIFECYCLE, event, ContentMode.BINARY);
    assertThat(decoded.data()).isEqualTo(event);
    assertThat(decoded.type()).isEqualTo(stage.cloudEventType());
  }

  @Test
  void rejectsARecordKeyedByAnotherTenant() {
    FaultlineEvent<FaultRequested> event =
        FaultlineEvent.of(SOURCE, Fixtures.aProcessKillRequest());
    ProducerRecord<String, byte[]> record = codec.encode(Topics.FAULT_REQUESTS, event);
    assertThatThrownBy(
            () -> codec.decode(Topics.FAULT_REQUESTS, "globex", record.headers(), record.value()))
        .isInstanceOfSatisfying(
            ContractViolationException.class, e -> assertThat(e.has("key", "matchesKey")).isTrue());
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {"content-type", "ce_specversion", "ce_type", "ce_id", "traceparent", "x-other"})
  void refusesANullValuedHeaderNamingIt(String header) {
    ProducerRecord<String, byte[]> record =
        codec.encode(Topics.FAULT_CONTROLS, FaultlineEvent.of(SOURCE, Fixtures.aHalt()));
    record.headers().remove(header);
    record.headers().add(header, null);
    assertThatThrownBy(
            () ->
                codec.decode(Topics.FAULT_CONTROLS, record.key(), record.headers(), record.value()))
        .isInstanceOfSatisfying(
            ContractViolationException.class,
            e -> assertThat(e.has("header." + header, "value")).isTrue());
  }

  @Test
  void refusesHeadersThatAreNotUtf8() {
    ProducerRecord<String, byte[]> record =
        codec.encode(Topics.FAULT_CONTROLS, FaultlineEvent.of(SOURCE, Fixtures.aHalt()));
    record.headers().remove("ce_type");
    record.headers().add("ce_type", new byte[] {(byte) 0xC3, (byte) 0x28});
    assertThatThrownBy(
            () ->
                codec.decode(Topics.FAULT_CONTROLS, record.key(), record.headers(), record.value()))
        .isInstanceOfSatisfying(
            ContractViolationException.class,
            e -> assertThat(e.has("header.ce_type", "utf8")).isTrue());
  }

  @Test
  void refusesAnyUnreadableValueAsAContractViolation() {
    ProducerRecord<String, byte[]> record =
        codec.encode(Topics.FAULT_CONTROLS, FaultlineEvent.of(SOURCE, Fixtures.aHalt()));
    for (byte[] value :
        new byte[][] {
          new byte[0],
          new byte[] {0, 1, 2, (byte) 0xFF},
          "[1,2".getBytes(),
          "null".getBytes(),
          "\"a string\"".getBytes(),
          "{\"action\": 42}".getBytes()
        }) {
      assertThatThrownBy(
              () -> codec.decode(Topics.FAULT_CONTROLS, record.key(), record.headers(), value))
          .isInstanceOf(ContractViolationException.class);
    }
  }
}
