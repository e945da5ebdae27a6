package io.faultline.policy.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.faultline.events.Fixtures;
import io.faultline.events.cloudevents.ContentMode;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.topics.Topics;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.Test;

class ExecutorEventsTest {
  private static final URI SOURCE = URI.create("/faultline/executor-service");

  private static ProducerRecord<String, byte[]> encoded(FaultLifecycleEvent event) {
    return EventCodec.standard().encode(Topics.FAULT_LIFECYCLE, FaultlineEvent.of(SOURCE, event));
  }

  /** As the lifecycle intake calls it: with the record's ce_type, null when there is none. */
  private static java.util.Optional<AdmissionCommand.Progress> progress(
      String key, Headers headers, byte[] value) {
    org.apache.kafka.common.header.Header type = headers.lastHeader("ce_type");
    return ExecutorEvents.progress(
        key,
        type == null ? null : new String(type.value(), StandardCharsets.UTF_8),
        headers,
        value);
  }

  private static AdmissionCommand.Progress read(ProducerRecord<String, byte[]> record) {
    return progress(record.key(), record.headers(), record.value()).orElseThrow();
  }

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
  void readsFaultIdSequenceAndWhetherTheStageIsTerminalFromABinaryModeEvent() {
    FaultLifecycleEvent injected = Fixtures.aLifecycleEvent(LifecycleStage.INJECTED, 4);
    FaultLifecycleEvent completed = Fixtures.aLifecycleEvent(LifecycleStage.COMPLETED, 6);

    assertThat(read(encoded(injected)))
        .isEqualTo(
            new AdmissionCommand.Progress(
                injected.tenantId().value(),
                injected.faultId().value(),
                injected.accountId().value(),
                4,
                false));
    assertThat(read(encoded(completed)))
        .isEqualTo(
            new AdmissionCommand.Progress(
                completed.tenantId().value(),
                completed.faultId().value(),
                completed.accountId().value(),
                6,
                true));
  }

  @Test
  void leavesStructuredModeAndThePolicyServicesOwnEventsToTheFullDecoder() {
    ProducerRecord<String, byte[]> structured =
        EventCodec.standard()
            .encode(
                Topics.FAULT_LIFECYCLE,
                FaultlineEvent.of(SOURCE, Fixtures.aLifecycleEvent(LifecycleStage.COMPLETED, 6))
                    .withMode(ContentMode.STRUCTURED));
    ProducerRecord<String, byte[]> approved =
        encoded(Fixtures.aLifecycleEvent(LifecycleStage.APPROVED, 1));

    assertThat(progress(structured.key(), structured.headers(), structured.value())).isEmpty();
    assertThat(progress(approved.key(), approved.headers(), approved.value())).isEmpty();
  }

  @Test
  void refusesAnEventWhoseFieldsBreakTheirRulesNamingTheField() {
    ProducerRecord<String, byte[]> good =
        encoded(Fixtures.aLifecycleEvent(LifecycleStage.FAILED, 5));
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
  void refusesAMissingValueOrOneLargerThanTheTopicAllows() {
    ProducerRecord<String, byte[]> good =
        encoded(Fixtures.aLifecycleEvent(LifecycleStage.COMPLETED, 6));
    Headers headers = good.headers();

    assertThatThrownBy(() -> progress(good.key(), headers, null)).hasMessageContaining("no value");
    assertThatThrownBy(
            () ->
                progress(good.key(), headers, new byte[Topics.FAULT_LIFECYCLE.maxEventBytes() + 1]))
        .hasMessageContaining("maxBytes");
  }
}
