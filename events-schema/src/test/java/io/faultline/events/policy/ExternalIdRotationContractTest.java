package io.faultline.events.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.faultline.events.Fixtures;
import io.faultline.events.cloudevents.EventCodec;
import io.faultline.events.cloudevents.EventFamily;
import io.faultline.events.cloudevents.Json;
import io.faultline.events.decision.AccountAccess;
import io.faultline.events.decision.FaultApproved;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An external-id rotation travels as optional fields: the policy's account carries the previous id
 * and the end of its overlap, the approval's access the previous id; neither is ever printed.
 */
class ExternalIdRotationContractTest {
  private static final EventCodec CODEC = EventCodec.standard();
  private static final Instant UNTIL = Instant.parse("2026-12-06T10:00:00Z");

  private static TenantPolicy withAccount(RegisteredAccount account) {
    TenantPolicy p = Fixtures.aPolicy();
    return new TenantPolicy(
        p.tenantId(),
        p.revision(),
        List.of(account),
        p.allowedFaultTypes(),
        p.protectedTargets(),
        p.windows(),
        p.bounds(),
        p.concurrency(),
        p.cooldownSeconds(),
        p.dryRunOnly(),
        p.updatedAt(),
        p.updatedBy());
  }

  private static RegisteredAccount rotated() {
    return new RegisteredAccount(
        Fixtures.ACCOUNT,
        Fixtures.ROLE_ARN,
        "new-external-id",
        List.of(Fixtures.REGION),
        "old-external-id",
        UNTIL);
  }

  @Test
  void aPolicyWithARotationInProgressValidatesAndRoundTrips() {
    TenantPolicy policy = withAccount(rotated());
    byte[] json = CODEC.toJson(policy);
    TenantPolicy read = CODEC.fromJson(EventFamily.TENANT_POLICY, TenantPolicy.class, json);
    assertThat(read.accounts().getFirst().previousExternalId()).isEqualTo("old-external-id");
    assertThat(read.accounts().getFirst().previousExternalIdUntil()).isEqualTo(UNTIL);
  }

  @Test
  void aPolicyWithoutARotationWritesNoPreviousFields() throws IOException {
    JsonNode json = Json.mapper().readTree(CODEC.toJson(Fixtures.aPolicy()));
    assertThat(json.path("accounts").path(0).has("previousExternalId")).isFalse();
    assertThat(json.path("accounts").path(0).has("previousExternalIdUntil")).isFalse();
    assertThat(CODEC.validateData(EventFamily.TENANT_POLICY, json)).isEmpty();
  }

  @Test
  void refusesAPreviousIdWithoutTheEndOfItsOverlap() throws IOException {
    JsonNode json = Json.mapper().readTree(CODEC.toJson(withAccount(rotated())));
    ((com.fasterxml.jackson.databind.node.ObjectNode) json.path("accounts").path(0))
        .remove("previousExternalIdUntil");
    assertThat(CODEC.validateData(EventFamily.TENANT_POLICY, json)).isNotEmpty();
    assertThatThrownBy(
            () ->
                new RegisteredAccount(
                    Fixtures.ACCOUNT, Fixtures.ROLE_ARN, "a-id", List.of(), "old-id", null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void thePreviousIdCountsOnlyUntilTheOverlapEnds() {
    assertThat(rotated().previousExternalIdAt(UNTIL.minusSeconds(1))).isEqualTo("old-external-id");
    assertThat(rotated().previousExternalIdAt(UNTIL)).isNull();
  }

  @Test
  void anApprovalCarriesThePreviousIdAndNeverPrintsEitherId() {
    FaultApproved a = Fixtures.anApproval(Fixtures.aProcessKillRequest());
    FaultApproved approval =
        new FaultApproved(
            a.faultId(),
            a.tenantId(),
            a.experimentId(),
            a.runId(),
            a.faultType(),
            a.accountId(),
            a.region(),
            a.parameters(),
            a.dryRun(),
            new AccountAccess(Fixtures.ROLE_ARN, "new-external-id", "old-external-id"),
            a.guard(),
            a.maxTargets(),
            a.requestedBy(),
            a.approvedAt(),
            a.leaseExpiresAt(),
            a.sequence(),
            a.rules());
    FaultApproved read =
        CODEC.fromJson(EventFamily.FAULT_APPROVED, FaultApproved.class, CODEC.toJson(approval));
    assertThat(read.access().previousExternalId()).isEqualTo("old-external-id");
    assertThat(read.access().toString())
        .doesNotContain("new-external-id")
        .doesNotContain("old-external-id");
    assertThat(rotated().toString()).doesNotContain("external-id");
    assertThat(new AccountAccess(Fixtures.ROLE_ARN, "x-id").previousExternalId()).isNull();
  }
}
