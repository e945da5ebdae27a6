package io.faultline.events.ids;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.faultline.events.Fixtures;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.decision.FaultApproved;
import io.faultline.events.lifecycle.FaultLifecycleEvent;
import io.faultline.events.lifecycle.LifecycleStage;
import io.faultline.events.request.FaultRequested;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultCoordinatesTest {
  @Test
  void itsKeyIsTheTenantAndTheFault() {
    FaultCoordinates fault = Fixtures.aProcessKillRequest().coordinates();
    assertThat(fault.key()).isEqualTo(FaultKey.of("acme", "f-process-kill-1"));
  }

  @Test
  void aRequestItsApprovalAndItsEventsNameTheSameFault() {
    FaultRequested request = Fixtures.aProcessKillRequest();
    FaultCoordinates fault = request.coordinates();
    assertThat(fault)
        .isEqualTo(
            new FaultCoordinates(
                FaultId.of("f-process-kill-1"),
                Fixtures.TENANT,
                ExperimentId.of("exp-checkout-resilience"),
                RunId.of("run-42"),
                FaultType.of("ec2-process-kill"),
                Fixtures.ACCOUNT,
                Fixtures.REGION));
    assertThat(Fixtures.anApproval(request).coordinates()).isEqualTo(fault);
    assertThat(Fixtures.aLifecycleEvent(LifecycleStage.INJECTED, 3).coordinates()).isEqualTo(fault);
    assertThat(
            FaultLifecycleEvent.approved(
                    fault, Fixtures.NOW, false, request.parameters(), List.of(), null)
                .coordinates())
        .isEqualTo(fault);
  }

  @Test
  void anApprovalBuiltFromTheCoordinatesEqualsOneBuiltFieldByField() {
    FaultRequested request = Fixtures.anHttpResetPeerRequest();
    FaultApproved fieldByField = Fixtures.anApproval(request);
    FaultApproved fromCoordinates =
        new FaultApproved(
            request.coordinates(),
            fieldByField.parameters(),
            fieldByField.dryRun(),
            fieldByField.access(),
            fieldByField.guard(),
            fieldByField.maxTargets(),
            fieldByField.requestedBy(),
            fieldByField.approvedAt(),
            fieldByField.leaseExpiresAt(),
            fieldByField.sequence(),
            fieldByField.rules());
    assertThat(fromCoordinates).isEqualTo(fieldByField);
  }

  @Test
  void staysOutOfTheJson() {
    FaultRequested request = Fixtures.aProcessKillRequest();
    List<Object> records =
        List.of(
            request,
            Fixtures.anApproval(request),
            Fixtures.aLifecycleEvent(LifecycleStage.APPROVED, 1));
    for (Object record : records) {
      assertThat(new String(EventCodec.standard().toJson(record), StandardCharsets.UTF_8))
          .doesNotContain("coordinates");
    }
  }

  @Test
  void needsTheFaultsIdentityOnly() {
    FaultCoordinates identified =
        new FaultCoordinates(FaultId.of("f-1"), Fixtures.TENANT, null, null, null, null, null);
    assertThat(identified.key()).isEqualTo(FaultKey.of("acme", "f-1"));
    assertThatThrownBy(
            () -> new FaultCoordinates(null, Fixtures.TENANT, null, null, null, null, null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(
            () -> new FaultCoordinates(FaultId.of("f-1"), null, null, null, null, null, null))
        .isInstanceOf(NullPointerException.class);
  }
}
