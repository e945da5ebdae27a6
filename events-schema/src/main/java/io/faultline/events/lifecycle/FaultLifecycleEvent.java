package io.faultline.events.lifecycle;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.faultline.events.catalogue.FaultParameters;
import io.faultline.events.decision.RuleOutcome;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.AwsRegion;
import io.faultline.events.ids.ExperimentId;
import io.faultline.events.ids.FaultCoordinates;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.FaultKey;
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
 * <p>Each way an event is made has a named factory ({@link #approved}, {@link #failed}, …) that
 * fixes its stage, producer and the fields the stage carries; the canonical constructor is for
 * reading one back.
 *
 * @param producer the service that wrote it; must equal {@link LifecycleStage#producer()}
 * @param parameters the fault's canonical tunables where known
 * @param targets the targets, or at most a sample of them when {@code targetSummary} says so
 * @param ssmCommandIds the SSM commands sent, or a sample of them
 * @param targetSummary the counts of every target and command, and what the lists leave out (ADR
 *     0009); absent on events that list no targets and on events written before it existed
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
    TargetSummary targetSummary,
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
    if (targetSummary != null
        && (targetSummary.total() - targetSummary.omitted() != targets.size()
            || targetSummary.ssmCommands() - targetSummary.ssmCommandsOmitted()
                != ssmCommandIds.size())) {
      throw new IllegalArgumentException(
          "targetSummary does not match the lists: "
              + targets.size()
              + " targets and "
              + ssmCommandIds.size()
              + " command ids listed");
    }
  }

  /** An event without a target summary (every list complete). */
  public FaultLifecycleEvent(
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
    this(
        faultId,
        tenantId,
        experimentId,
        runId,
        faultType,
        accountId,
        region,
        stage,
        sequence,
        occurredAt,
        producer,
        dryRun,
        parameters,
        targets,
        ssmCommandIds,
        null,
        reason,
        detail,
        rules,
        traceId);
  }

  /**
   * The counts of the fault's targets and commands: the event's summary, or, for an event without
   * one (its lists are complete), counted from the lists. Read counts here, never from {@link
   * #targets()}, which may be a sample.
   */
  @JsonIgnore
  public TargetSummary targetCounts() {
    return targetSummary != null ? targetSummary : TargetSummary.of(targets, ssmCommandIds);
  }

  /** Which fault, and where: the same as its request's and approval's. */
  @JsonIgnore
  public FaultCoordinates coordinates() {
    return new FaultCoordinates(
        faultId, tenantId, experimentId, runId, faultType, accountId, region);
  }

  // ---------------------------------------------------------------- the policy service's

  /** The policy admitted the fault: sequence 1, with every rule evaluated. */
  public static FaultLifecycleEvent approved(
      FaultCoordinates fault,
      Instant occurredAt,
      boolean dryRun,
      FaultParameters parameters,
      List<RuleOutcome> rules,
      String traceId) {
    return build(
        fault,
        LifecycleStage.APPROVED,
        1,
        occurredAt,
        dryRun,
        parameters,
        null,
        null,
        null,
        null,
        null,
        rules,
        traceId);
  }

  /** The policy refused the fault by its rules: sequence 1, reason {@code POLICY_RULE}. */
  public static FaultLifecycleEvent rejected(
      FaultCoordinates fault,
      Instant occurredAt,
      boolean dryRun,
      FaultParameters parameters,
      List<RuleOutcome> rules,
      String detail,
      String traceId) {
    return build(
        fault,
        LifecycleStage.REJECTED,
        1,
        occurredAt,
        dryRun,
        parameters,
        null,
        null,
        null,
        FailureReason.POLICY_RULE,
        detail,
        rules,
        traceId);
  }

  /**
   * The policy refused a request that broke the contract: sequence 1, reason {@code
   * INVALID_REQUEST}. It names only the fault's identity, the one part of it that could be read.
   *
   * @param violations one failed rule per contract violation
   */
  public static FaultLifecycleEvent rejectedInvalid(
      FaultKey fault,
      Instant occurredAt,
      List<RuleOutcome> violations,
      String detail,
      String traceId) {
    return build(
        identified(fault),
        LifecycleStage.REJECTED,
        1,
        occurredAt,
        false,
        null,
        null,
        null,
        null,
        FailureReason.INVALID_REQUEST,
        detail,
        violations,
        traceId);
  }

  /**
   * The policy freed an approved fault's leases because no terminal event came in time: reason
   * {@code TIMEOUT}. Informational, never terminal (ADR 0005).
   */
  public static FaultLifecycleEvent leaseExpired(
      FaultCoordinates fault,
      long sequence,
      Instant occurredAt,
      boolean dryRun,
      String detail,
      String traceId) {
    return build(
        fault,
        LifecycleStage.LEASE_EXPIRED,
        sequence,
        occurredAt,
        dryRun,
        null,
        null,
        null,
        null,
        FailureReason.TIMEOUT,
        detail,
        null,
        traceId);
  }

  // ---------------------------------------------------------------- the executor's

  /** The executor took the fault up. */
  public static FaultLifecycleEvent started(
      RunningFault fault, long sequence, Instant occurredAt, String detail) {
    return ofRunning(fault, LifecycleStage.STARTED, sequence, occurredAt, null, detail);
  }

  /** The targets are chosen (and protected ones excluded). */
  public static FaultLifecycleEvent targetsResolved(
      RunningFault fault, long sequence, Instant occurredAt, String detail) {
    return ofRunning(fault, LifecycleStage.TARGETS_RESOLVED, sequence, occurredAt, null, detail);
  }

  /** The fault is in place on its targets; the hold begins. */
  public static FaultLifecycleEvent injected(
      RunningFault fault, long sequence, Instant occurredAt, String detail) {
    return ofRunning(fault, LifecycleStage.INJECTED, sequence, occurredAt, null, detail);
  }

  /** Rollback begins, whatever the fault is heading for. */
  public static FaultLifecycleEvent rollingBack(
      RunningFault fault, long sequence, Instant occurredAt, String detail) {
    return ofRunning(fault, LifecycleStage.ROLLING_BACK, sequence, occurredAt, null, detail);
  }

  /** Terminal: the fault ran its course and was undone (a dry run: its targets were resolved). */
  public static FaultLifecycleEvent completed(
      RunningFault fault, long sequence, Instant occurredAt, String detail) {
    return ofRunning(fault, LifecycleStage.COMPLETED, sequence, occurredAt, null, detail);
  }

  /** Terminal: the fault failed for {@code reason}. */
  public static FaultLifecycleEvent failed(
      RunningFault fault, long sequence, Instant occurredAt, FailureReason reason, String detail) {
    return ofRunning(fault, LifecycleStage.FAILED, sequence, occurredAt, reason, detail);
  }

  /** Terminal: the fault was stopped for {@code reason} (an abort or a halt). */
  public static FaultLifecycleEvent aborted(
      RunningFault fault, long sequence, Instant occurredAt, FailureReason reason, String detail) {
    return ofRunning(fault, LifecycleStage.ABORTED, sequence, occurredAt, reason, detail);
  }

  /**
   * Terminal: the executor refused an approval it could not read, before any command: reason {@code
   * INVALID_REQUEST}. It names only the fault's identity, the one part of it that could be read.
   */
  public static FaultLifecycleEvent failedInvalid(
      FaultKey fault, long sequence, Instant occurredAt, String detail, String traceId) {
    return build(
        identified(fault),
        LifecycleStage.FAILED,
        sequence,
        occurredAt,
        false,
        null,
        null,
        null,
        null,
        FailureReason.INVALID_REQUEST,
        detail,
        null,
        traceId);
  }

  private static FaultLifecycleEvent ofRunning(
      RunningFault fault,
      LifecycleStage stage,
      long sequence,
      Instant occurredAt,
      FailureReason reason,
      String detail) {
    return build(
        fault.coordinates(),
        stage,
        sequence,
        occurredAt,
        fault.dryRun(),
        fault.parameters(),
        fault.targets(),
        fault.ssmCommandIds(),
        fault.targetSummary(),
        reason,
        detail,
        null,
        fault.traceId());
  }

  /** Coordinates that name only the fault: all an unreadable request or approval yields. */
  private static FaultCoordinates identified(FaultKey fault) {
    return new FaultCoordinates(fault.faultId(), fault.tenantId(), null, null, null, null, null);
  }

  private static FaultLifecycleEvent build(
      FaultCoordinates fault,
      LifecycleStage stage,
      long sequence,
      Instant occurredAt,
      boolean dryRun,
      FaultParameters parameters,
      List<TargetOutcome> targets,
      List<String> ssmCommandIds,
      TargetSummary targetSummary,
      FailureReason reason,
      String detail,
      List<RuleOutcome> rules,
      String traceId) {
    return new FaultLifecycleEvent(
        fault.faultId(),
        fault.tenantId(),
        fault.experimentId(),
        fault.runId(),
        fault.faultType(),
        fault.accountId(),
        fault.region(),
        stage,
        sequence,
        occurredAt,
        stage.producer(),
        dryRun,
        parameters == null ? null : parameters.asMap(),
        targets,
        ssmCommandIds,
        targetSummary,
        reason,
        detail,
        rules,
        traceId);
  }
}
