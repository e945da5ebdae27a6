package io.faultline.policy.admission;

import io.faultline.events.claims.TargetsClaimed;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.FaultlineEvent;
import io.faultline.events.topics.Topics;
import io.faultline.telemetry.kafka.PoisonRecords;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Reads executors' target claims (issue 16) into {@code Claim} commands. A claim that breaks the
 * contract (a schema violation, a key other than its tenant) is poison, counted and skipped: it is
 * never answered, and its executor fails the fault when no grant comes.
 */
final class ClaimIntake extends IntakeProcessor {
  ClaimIntake(PoisonRecords poison) {
    super(poison);
  }

  @Override
  Intake read(Record<String, byte[]> record) {
    FaultlineEvent<TargetsClaimed> event =
        EventCodec.standard()
            .decode(Topics.TARGET_CLAIMS, record.key(), record.headers(), record.value());
    TargetsClaimed claim = event.data();
    if (!claim.tenantId().value().equals(record.key())) {
      throw new IllegalArgumentException(
          "key " + record.key() + " is not the claim's tenant " + claim.tenantId().value());
    }
    return new AdmissionCommand.Claim(claim, event.traceparent());
  }
}
