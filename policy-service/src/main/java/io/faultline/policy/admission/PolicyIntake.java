package io.faultline.policy.admission;

import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.events.topics.Topics;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes tenant policies; a tombstone removes the tenant. An invalid policy is logged and skipped:
 * the tenant keeps its last valid policy (failing closed would halt a tenant on a typo, failing
 * open is never an option).
 */
final class PolicyIntake extends ContextualProcessor<String, byte[], String, Intake> {
  private static final Logger log = LoggerFactory.getLogger(PolicyIntake.class);

  @Override
  public void process(Record<String, byte[]> record) {
    try {
      FaultlineEvent<TenantPolicy> event =
          EventCodec.standard()
              .decode(Topics.TENANT_POLICIES, record.key(), record.headers(), record.value());
      if (event == null && record.key() == null) {
        return;
      }
      String tenant = event == null ? record.key() : event.data().tenantId().value();
      context()
          .forward(
              new Record<String, Intake>(
                  AdmissionTopology.ADMISSION_KEY,
                  new AdmissionCommand.PolicyChanged(tenant, event == null ? null : event.data()),
                  record.timestamp(),
                  new RecordHeaders()));
    } catch (RuntimeException e) {
      log.warn("invalid tenant policy for key {} skipped: {}", record.key(), e.getMessage());
    }
  }
}
