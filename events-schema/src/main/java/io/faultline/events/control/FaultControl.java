package io.faultline.events.control;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.RunId;
import io.faultline.events.ids.TenantId;
import java.time.Instant;
import java.util.Objects;

/**
 * An operator's control: abort a fault or a run, halt or resume a tenant or the platform. On the
 * compacted controls topic, keyed by {@link #key()} so the latest halt/resume per scope survives
 * compaction. Every executor reads every partition (a halt must reach all of them); the policy
 * service keeps the halt state.
 *
 * <p>{@code reasonCode} and {@code breach} are optional (absent on controls written before ADR
 * 0010): an {@code ABORT_RUN} sent because a stop condition breached carries {@link
 * ControlReason#STOP_CONDITION} and the {@link StopConditionBreach}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FaultControl(
    String controlId,
    ControlAction action,
    TenantId tenantId,
    FaultId faultId,
    RunId runId,
    String reason,
    String issuedBy,
    Instant issuedAt,
    ControlReason reasonCode,
    StopConditionBreach breach) {

  /** The key of the platform-wide halt switch. */
  public static final String PLATFORM_KEY = "platform";

  public FaultControl {
    Objects.requireNonNull(controlId, "controlId");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(issuedBy, "issuedBy");
    Objects.requireNonNull(issuedAt, "issuedAt");
    switch (action) {
      case ABORT_FAULT -> {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(faultId, "faultId");
      }
      case ABORT_RUN -> {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(runId, "runId");
      }
      case HALT_TENANT, RESUME_TENANT -> Objects.requireNonNull(tenantId, "tenantId");
      case HALT_PLATFORM, RESUME_PLATFORM -> {
        if (tenantId != null) {
          throw new IllegalArgumentException(action + " applies to every tenant: no tenantId");
        }
      }
    }
    if ((reasonCode == ControlReason.STOP_CONDITION) != (breach != null)) {
      throw new IllegalArgumentException(
          "a STOP_CONDITION control carries its breach, and only it");
    }
    if (breach != null && action != ControlAction.ABORT_RUN) {
      throw new IllegalArgumentException("a stop condition aborts a run: ABORT_RUN, not " + action);
    }
  }

  /** A control without a structured reason (as written before ADR 0010). */
  public FaultControl(
      String controlId,
      ControlAction action,
      TenantId tenantId,
      FaultId faultId,
      RunId runId,
      String reason,
      String issuedBy,
      Instant issuedAt) {
    this(controlId, action, tenantId, faultId, runId, reason, issuedBy, issuedAt, null, null);
  }

  /**
   * The {@code ABORT_RUN} a watching executor sends when a stop condition breaches (ADR 0010).
   *
   * @param issuedBy the sender, e.g. {@code executor:<id>}
   */
  public static FaultControl stopConditionAbort(
      String controlId,
      TenantId tenant,
      RunId run,
      StopConditionBreach breach,
      String issuedBy,
      Instant issuedAt) {
    String reason =
        "stop condition '" + breach.probe() + "' breached: " + breach.reading().describe();
    return new FaultControl(
        controlId,
        ControlAction.ABORT_RUN,
        tenant,
        null,
        run,
        reason.length() > 1024 ? reason.substring(0, 1024) : reason,
        issuedBy,
        issuedAt,
        ControlReason.STOP_CONDITION,
        breach);
  }

  /** The Kafka key: the scope this control acts on. */
  @JsonIgnore
  public String key() {
    return switch (action) {
      case ABORT_FAULT -> "fault/" + tenantId + "/" + faultId;
      case ABORT_RUN -> "run/" + tenantId + "/" + runId;
      case HALT_TENANT, RESUME_TENANT -> "tenant/" + tenantId;
      case HALT_PLATFORM, RESUME_PLATFORM -> PLATFORM_KEY;
    };
  }

  /** The CloudEvents subject: the fault, run, tenant or platform acted on. */
  @JsonIgnore
  public String subject() {
    return key();
  }
}
