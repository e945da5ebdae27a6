package io.faultline.policy.admission;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.events.topics.Topics;
import io.faultline.telemetry.kafka.PoisonRecords;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Decodes tenant policies; a tombstone removes the tenant. An invalid policy is poison, counted and
 * skipped: the tenant keeps its last valid policy (failing closed would halt a tenant on a typo,
 * failing open is never an option).
 */
final class PolicyIntake extends IntakeProcessor {

  PolicyIntake(PoisonRecords poison) {
    super(poison);
  }

  @Override
  Intake read(Record<String, byte[]> record) {
    FaultlineEvent<TenantPolicy> event =
        EventCodec.standard()
            .decode(Topics.TENANT_POLICIES, record.key(), record.headers(), record.value());
    if (event == null) {
      if (record.key() == null) {
        throw new IllegalArgumentException("a tombstone without a key names no tenant");
      }
      return new AdmissionCommand.PolicyChanged(record.key(), null);
    }
    return new AdmissionCommand.PolicyChanged(event.data().tenantId().value(), event.data());
  }
}
