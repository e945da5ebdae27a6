package io.faultline.events.decision;

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
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The policy service admitted a fault. Written once per fault id to the approvals topic, keyed by
 * fault id so one tenant's faults spread over every executor. Its lease (tenant, account, targets)
 * is held until a terminal lifecycle event or {@code leaseExpiresAt}.
 *
 * @param parameters canonical tunables with defaults filled in; re-validated on every read
 * @param dryRun resolve targets and report them, inject nothing
 * @param access the role and external id to use; secret, never logged
 * @param guard targets to exclude after resolution
 * @param maxTargets the most targets the executor may act on
 * @param sequence the per-fault sequence number of the matching {@code APPROVED} lifecycle event
 * @param maxDurationSeconds the tenant policy's longest hold with ramps when admitted ({@code
 *     Bounds.maxDurationSeconds}); the executor checks a serial fault's resolved hosts x duration
 *     against it, since admission cannot count a tag's hosts. Null in approvals of policy services
 *     before it existed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FaultApproved(
    FaultId faultId,
    TenantId tenantId,
    ExperimentId experimentId,
    RunId runId,
    FaultType faultType,
    AccountId accountId,
    AwsRegion region,
    FaultParameters parameters,
    boolean dryRun,
    AccountAccess access,
    ProtectedTargetGuard guard,
    int maxTargets,
    String requestedBy,
    Instant approvedAt,
    Instant leaseExpiresAt,
    long sequence,
    List<RuleOutcome> rules,
    Integer maxDurationSeconds) {

  public FaultApproved {
    Objects.requireNonNull(faultId, "faultId");
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(faultType, "faultType");
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(parameters, "parameters");
    Objects.requireNonNull(access, "access");
    guard = guard == null ? ProtectedTargetGuard.none() : guard;
    Objects.requireNonNull(approvedAt, "approvedAt");
    Objects.requireNonNull(leaseExpiresAt, "leaseExpiresAt");
    rules = rules == null ? List.of() : List.copyOf(rules);
    if (maxDurationSeconds != null && maxDurationSeconds < 1) {
      throw new IllegalArgumentException("maxDurationSeconds must be at least 1");
    }
  }

  /** An approval without {@code maxDurationSeconds}. */
  public FaultApproved(
      FaultId faultId,
      TenantId tenantId,
      ExperimentId experimentId,
      RunId runId,
      FaultType faultType,
      AccountId accountId,
      AwsRegion region,
      FaultParameters parameters,
      boolean dryRun,
      AccountAccess access,
      ProtectedTargetGuard guard,
      int maxTargets,
      String requestedBy,
      Instant approvedAt,
      Instant leaseExpiresAt,
      long sequence,
      List<RuleOutcome> rules) {
    this(
        faultId,
        tenantId,
        experimentId,
        runId,
        faultType,
        accountId,
        region,
        parameters,
        dryRun,
        access,
        guard,
        maxTargets,
        requestedBy,
        approvedAt,
        leaseExpiresAt,
        sequence,
        rules,
        null);
  }

  /** An approval of the fault at {@code fault} without {@code maxDurationSeconds}. */
  public FaultApproved(
      FaultCoordinates fault,
      FaultParameters parameters,
      boolean dryRun,
      AccountAccess access,
      ProtectedTargetGuard guard,
      int maxTargets,
      String requestedBy,
      Instant approvedAt,
      Instant leaseExpiresAt,
      long sequence,
      List<RuleOutcome> rules) {
    this(
        fault,
        parameters,
        dryRun,
        access,
        guard,
        maxTargets,
        requestedBy,
        approvedAt,
        leaseExpiresAt,
        sequence,
        rules,
        null);
  }

  /** An approval of the fault at {@code fault}; a request's coordinates are carried over whole. */
  public FaultApproved(
      FaultCoordinates fault,
      FaultParameters parameters,
      boolean dryRun,
      AccountAccess access,
      ProtectedTargetGuard guard,
      int maxTargets,
      String requestedBy,
      Instant approvedAt,
      Instant leaseExpiresAt,
      long sequence,
      List<RuleOutcome> rules,
      Integer maxDurationSeconds) {
    this(
        fault.faultId(),
        fault.tenantId(),
        fault.experimentId(),
        fault.runId(),
        fault.faultType(),
        fault.accountId(),
        fault.region(),
        parameters,
        dryRun,
        access,
        guard,
        maxTargets,
        requestedBy,
        approvedAt,
        leaseExpiresAt,
        sequence,
        rules,
        maxDurationSeconds);
  }

  @JsonCreator
  public static FaultApproved of(
      @JsonProperty("faultId") FaultId faultId,
      @JsonProperty("tenantId") TenantId tenantId,
      @JsonProperty("experimentId") ExperimentId experimentId,
      @JsonProperty("runId") RunId runId,
      @JsonProperty("faultType") FaultType faultType,
      @JsonProperty("accountId") AccountId accountId,
      @JsonProperty("region") AwsRegion region,
      @JsonProperty("parameters") Map<String, ?> parameters,
      @JsonProperty("dryRun") boolean dryRun,
      @JsonProperty("access") AccountAccess access,
      @JsonProperty("guard") ProtectedTargetGuard guard,
      @JsonProperty("maxTargets") int maxTargets,
      @JsonProperty("requestedBy") String requestedBy,
      @JsonProperty("approvedAt") Instant approvedAt,
      @JsonProperty("leaseExpiresAt") Instant leaseExpiresAt,
      @JsonProperty("sequence") long sequence,
      @JsonProperty("rules") List<RuleOutcome> rules,
      @JsonProperty("maxDurationSeconds") Integer maxDurationSeconds) {
    return new FaultApproved(
        faultId,
        tenantId,
        experimentId,
        runId,
        faultType,
        accountId,
        region,
        FaultCatalogue.standard().validate(faultType, parameters == null ? Map.of() : parameters),
        dryRun,
        access,
        guard,
        maxTargets,
        requestedBy,
        approvedAt,
        leaseExpiresAt,
        sequence,
        rules,
        maxDurationSeconds);
  }

  /** Which fault is approved, and where: the same as its request's. */
  @JsonIgnore
  public FaultCoordinates coordinates() {
    return new FaultCoordinates(
        faultId, tenantId, experimentId, runId, faultType, accountId, region);
  }
}
