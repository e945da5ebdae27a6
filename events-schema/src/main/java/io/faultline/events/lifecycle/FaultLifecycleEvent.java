package io.faultline.events.lifecycle;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.faultline.events.decision.RuleOutcome;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.AwsRegion;
import io.faultline.events.ids.ExperimentId;
import io.faultline.events.ids.FaultCoordinates;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.FaultType;
import io.faultline.events.ids.RunId;
import io.faultline.events.ids.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One state change of a fault, on the lifecycle topic keyed by tenant id (each tenant's events in
 * order). Self-describing: who (tenant, producer), what (fault type, parameters), where (account,
 * region, targets), why ({@code reason}, {@code rules}). {@code sequence} grows by one per event of
 * a fault, starting at 1 with the decision; consumers may drop an event whose sequence they have
 * seen (redelivery).
 *
 * <p>A rejection is this event with stage {@code REJECTED}, reason {@code POLICY_RULE} or {@code
 * INVALID_REQUEST}, and the failed rules.
 *
 * @param producer the service that wrote it; must equal {@link LifecycleStage#producer()}
 * @param parameters the fault's canonical tunables where known
 * @param reason set on REJECTED, FAILED, ABORTED and LEASE_EXPIRED
 * @param detail a sentence explaining the reason
 * @param rules the admission rules evaluated (APPROVED, REJECTED)
 * @param traceId the W3C trace id of the fault's trace
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FaultLifecycleEvent(
    FaultId faultId,
    TenantId tenantId,
    ExperimentId experimentId,
    RunId runId,
    FaultType faultType,
    AccountId accountId,
    AwsRegion region,
    LifecycleStage stage,
    long sequence,
    Instant occurredAt,
    String producer,
    boolean dryRun,
    Map<String, String> parameters,
    List<TargetOutcome> targets,
    List<String> ssmCommandIds,
    FailureReason reason,
    String detail,
    List<RuleOutcome> rules,
    String traceId) {

  public FaultLifecycleEvent {
    Objects.requireNonNull(faultId, "faultId");
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(occurredAt, "occurredAt");
    Objects.requireNonNull(producer, "producer");
    targets = targets == null ? List.of() : List.copyOf(targets);
    ssmCommandIds = ssmCommandIds == null ? List.of() : List.copyOf(ssmCommandIds);
    rules = rules == null ? List.of() : List.copyOf(rules);
    parameters = parameters == null ? null : Map.copyOf(parameters);
    if (sequence < 1) {
      throw new IllegalArgumentException("sequence starts at 1");
    }
    if (!stage.producer().equals(producer)) {
      throw new IllegalArgumentException(stage + " is produced by " + stage.producer());
    }
    boolean needsReason =
        stage == LifecycleStage.REJECTED
            || stage == LifecycleStage.FAILED
            || stage == LifecycleStage.ABORTED
            || stage == LifecycleStage.LEASE_EXPIRED;
    if (needsReason && reason == null) {
      throw new IllegalArgumentException(stage + " needs a reason");
    }
  }

  /** Which fault, and where: the same as its request's and approval's. */
  @JsonIgnore
  public FaultCoordinates coordinates() {
    return new FaultCoordinates(
        faultId, tenantId, experimentId, runId, faultType, accountId, region);
  }
}
