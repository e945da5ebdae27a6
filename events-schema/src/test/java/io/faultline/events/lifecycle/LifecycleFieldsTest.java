package io.faultline.events.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.faultline.events.ExecutorStandIn;
import io.faultline.events.Fixtures;
import io.faultline.events.cloudevents.ContentMode;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.topics.Topics;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class LifecycleFieldsTest {
  private static final URI SOURCE = URI.create("/faultline/executor-service");

  private static Optional<LifecycleFields> read(ProducerRecord<String, byte[]> record) {
    return LifecycleFields.read(record.key(), record.headers(), record.value());
  }

  /** The record with {@code from} replaced by {@code to} in its data. */
  private static ProducerRecord<String, byte[]> withValue(
      ProducerRecord<String, byte[]> record, String from, String to) {
    String json = new String(record.value(), StandardCharsets.UTF_8);
    assertThat(json).contains(from);
    return new ProducerRecord<>(
        record.topic(),
        null,
        record.key(),
        json.replace(from, to).getBytes(StandardCharsets.UTF_8),
        record.headers());
  }

  @Test
  void readsWhoseEventItIsAndHowFarItsFaultGotFromAnyProducersBinaryModeEvent() {
    FaultLifecycleEvent injected = Fixtures.aLifecycleEvent(LifecycleStage.INJECTED, 4);
    FaultLifecycleEvent rejected = Fixtures.aLifecycleEvent(LifecycleStage.REJECTED, 1);

    assertThat(read(ExecutorStandIn.record(injected)))
        .contains(
            new LifecycleFields(
                injected.tenantId().value(),
                injected.faultId().value(),
                injected.runId().value(),
                injected.accountId().value(),
                LifecycleStage.INJECTED,
                4));
    assertThat(read(ExecutorStandIn.record(rejected)))
        .hasValueSatisfying(
            fields -> {
              assertThat(fields.stage()).isEqualTo(LifecycleStage.REJECTED);
              assertThat(fields.sequence()).isEqualTo(1);
            });
  }

  @Test
  void readsNoRunForAFaultOutsideOneAndRefusesARunIdBreakingItsPattern() {
    FaultLifecycleEvent completed = Fixtures.aLifecycleEvent(LifecycleStage.COMPLETED, 6);
    String run = "\"runId\":\"" + completed.runId().value() + "\",";
    ProducerRecord<String, byte[]> good = ExecutorStandIn.record(completed);

    assertThat(read(withValue(good, run, "")))
        .hasValueSatisfying(fields -> assertThat(fields.runId()).isNull());
    assertThat(read(withValue(good, run, "\"runId\":null,")))
        .hasValueSatisfying(fields -> assertThat(fields.runId()).isNull());
    assertThatThrownBy(() -> read(withValue(good, run, "\"runId\":\"a b\",")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a b");
  }

  @Test
  void leavesStructuredModeEventsWithoutATypeAndOtherFamiliesToTheFullDecoder() {
    ProducerRecord<String, byte[]> structured =
        EventCodec.standard()
            .encode(
                Topics.FAULT_LIFECYCLE,
                FaultlineEvent.of(SOURCE, Fixtures.aLifecycleEvent(LifecycleStage.COMPLETED, 6))
                    .withMode(ContentMode.STRUCTURED));
    ProducerRecord<String, byte[]> good =
        ExecutorStandIn.record(Fixtures.aLifecycleEvent(LifecycleStage.COMPLETED, 6));
    RecordHeaders otherType = new RecordHeaders();
    otherType.add("ce_type", "io.faultline.control.v1".getBytes(StandardCharsets.UTF_8));

    assertThat(read(structured)).isEmpty();
    assertThat(LifecycleFields.read(good.key(), new RecordHeaders(), good.value())).isEmpty();
    assertThat(LifecycleFields.read(good.key(), otherType, good.value())).isEmpty();
  }

  @Test
  void refusesAHeaderWithoutValueAndARecordWithoutValueNamingWhatIsMissing() {
    ProducerRecord<String, byte[]> good =
        ExecutorStandIn.record(Fixtures.aLifecycleEvent(LifecycleStage.COMPLETED, 6));
    RecordHeaders nullHeader = new RecordHeaders(good.headers().toArray());
    nullHeader.add(new RecordHeader("content-type", (byte[]) null));

    assertThatThrownBy(() -> LifecycleFields.read(good.key(), nullHeader, good.value()))
        .hasMessageContaining("header content-type has no value");
    assertThatThrownBy(() -> LifecycleFields.read(good.key(), good.headers(), null))
        .hasMessageContaining("the record has no value");
    assertThatThrownBy(() -> LifecycleFields.read(good.key(), good.headers(), new byte[0]))
        .hasMessageContaining("data must be a JSON object");
  }

  @Test
  void refusesAnEventWhoseFieldsBreakTheirRulesNamingTheField() {
    ProducerRecord<String, byte[]> good =
        ExecutorStandIn.record(Fixtures.aLifecycleEvent(LifecycleStage.FAILED, 5));
    String faultId = Fixtures.aLifecycleEvent(LifecycleStage.FAILED, 5).faultId().value();

    assertThatThrownBy(() -> read(withValue(good, "\"stage\":\"FAILED\"", "\"stage\":\"STARTED\"")))
        .hasMessageContaining("stage 'STARTED' must be FAILED");
    assertThatThrownBy(() -> read(withValue(good, "\"sequence\":5", "\"sequence\":\"5\"")))
        .hasMessageContaining("sequence must be an integer");
    assertThatThrownBy(() -> read(withValue(good, "\"sequence\":5", "\"sequence\":0")))
        .hasMessageContaining("sequence must be at least 1");
    assertThatThrownBy(
            () -> read(withValue(good, "\"faultId\":\"" + faultId + "\"", "\"faultId\":\"a b\"")))
        .hasMessageContaining("faultId 'a b' must match");
    assertThatThrownBy(
            () ->
                read(
                    new ProducerRecord<>(
                        good.topic(), null, "another-tenant", good.value(), good.headers())))
        .hasMessageContaining("must equal the record key");
    assertThatThrownBy(
            () ->
                read(
                    new ProducerRecord<>(
                        good.topic(),
                        null,
                        good.key(),
                        "{\"faultId\":".getBytes(StandardCharsets.UTF_8),
                        good.headers())))
        .hasMessageContaining("data is not valid JSON");
  }

  @Test
  void refusesAValueLargerThanTheTopicAllows() {
    ProducerRecord<String, byte[]> good =
        ExecutorStandIn.record(Fixtures.aLifecycleEvent(LifecycleStage.COMPLETED, 6));

    assertThatThrownBy(
            () ->
                LifecycleFields.read(
                    good.key(),
                    good.headers(),
                    new byte[Topics.FAULT_LIFECYCLE.maxEventBytes() + 1]))
        .hasMessageContaining("maxBytes");
  }
}
