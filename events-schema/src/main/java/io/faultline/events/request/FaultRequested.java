package io.faultline.events.request;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.faultline.events.catalogue.FaultCatalogue;
import io.faultline.events.catalogue.FaultParameters;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.AwsRegion;
import io.faultline.events.ids.ExperimentId;
import io.faultline.events.ids.FaultCoordinates;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.FaultType;
import io.faultline.events.ids.RunId;
import io.faultline.events.ids.TenantId;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A platform asks Faultline to run one fault. Written to the requests topic keyed by tenant id;
 * {@code faultId} is the idempotency key: the same fault id requested twice gets one decision.
 *
 * @param parameters the fault type's tunables, validated against the catalogue on construction
 * @param dryRun resolve targets and decide, but inject nothing
 * @param requestedBy who asked: a user, a pipeline, {@code scheduler-service}
 * @param reason optional free text shown in timelines
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FaultRequested(
    FaultId faultId,
    TenantId tenantId,
    ExperimentId experimentId,
    RunId runId,
    FaultType faultType,
    AccountId accountId,
    AwsRegion region,
    FaultParameters parameters,
    boolean dryRun,
    String requestedBy,
    Instant requestedAt,
    String reason) {

  public FaultRequested {
    Objects.requireNonNull(faultId, "faultId");
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(faultType, "faultType");
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(parameters, "parameters");
    Objects.requireNonNull(requestedBy, "requestedBy");
    Objects.requireNonNull(requestedAt, "requestedAt");
  }

  /** Builds a request from raw tunables; throws a contract violation naming every bad tunable. */
  @JsonCreator
  public static FaultRequested of(
      @JsonProperty("faultId") FaultId faultId,
      @JsonProperty("tenantId") TenantId tenantId,
      @JsonProperty("experimentId") ExperimentId experimentId,
      @JsonProperty("runId") RunId runId,
      @JsonProperty("faultType") FaultType faultType,
      @JsonProperty("accountId") AccountId accountId,
      @JsonProperty("region") AwsRegion region,
      @JsonProperty("parameters") Map<String, ?> parameters,
      @JsonProperty("dryRun") boolean dryRun,
      @JsonProperty("requestedBy") String requestedBy,
      @JsonProperty("requestedAt") Instant requestedAt,
      @JsonProperty("reason") String reason) {
    return new FaultRequested(
        faultId,
        tenantId,
        experimentId,
        runId,
        faultType,
        accountId,
        region,
        FaultCatalogue.standard().validate(faultType, parameters == null ? Map.of() : parameters),
        dryRun,
        requestedBy,
        requestedAt,
        reason);
  }

  /** Which fault is asked for, and where; its approval and events name the same. */
  @JsonIgnore
  public FaultCoordinates coordinates() {
    return new FaultCoordinates(
        faultId, tenantId, experimentId, runId, faultType, accountId, region);
  }
}
