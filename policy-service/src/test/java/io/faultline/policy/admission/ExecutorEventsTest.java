package io.faultline.policy.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.ExecutorStandIn;
import io.faultline.events.Fixtures;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.Test;

class ExecutorEventsTest {

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

  @Test
  void readsFaultIdSequenceAndWhetherTheStageIsTerminalFromABinaryModeEvent() {
    FaultLifecycleEvent injected = Fixtures.aLifecycleEvent(LifecycleStage.INJECTED, 4);
    FaultLifecycleEvent completed = Fixtures.aLifecycleEvent(LifecycleStage.COMPLETED, 6);

    assertThat(read(ExecutorStandIn.record(injected)))
        .isEqualTo(
            new AdmissionCommand.Progress(
                injected.tenantId().value(),
                injected.faultId().value(),
                injected.accountId().value(),
                4,
                false));
    assertThat(read(ExecutorStandIn.record(completed)))
        .isEqualTo(
            new AdmissionCommand.Progress(
                completed.tenantId().value(),
                completed.faultId().value(),
                completed.accountId().value(),
                6,
                true));
  }

  @Test
  void leavesThePolicyServicesOwnEventsAlone() {
    // Structured mode and records without ce_type: LifecycleFieldsTest.
    ProducerRecord<String, byte[]> approved =
        ExecutorStandIn.record(Fixtures.aLifecycleEvent(LifecycleStage.APPROVED, 1));

    assertThat(progress(approved.key(), approved.headers(), approved.value())).isEmpty();
  }
}
