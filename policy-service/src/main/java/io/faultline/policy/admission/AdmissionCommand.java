package io.faultline.policy.admission;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.faultline.events.claims.TargetsClaimed;
import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.TenantId;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.validation.Violation;
import io.faultline.policy.authentication.RequestSignature;
import io.faultline.policy.escrow.Ask;
import io.faultline.policy.escrow.Grant;
import java.util.List;
import java.util.Objects;

/**
 * One entry of the admission log: everything that can change an admission decision, in the one
 * order the admission processor sees it. Each command checks its fields on construction, so a
 * record on the admission log that intake did not write fails when it is read (and is skipped as
 * poison) instead of half-way through a decision.
 *
 * <p>Intake writes every command but the escrow's; admission writes those (ADR 0012). Where each
 * goes on the partitioned log is {@link AdmissionLog}'s business.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
  @JsonSubTypes.Type(value = AdmissionCommand.Decide.class, name = "decide"),
  @JsonSubTypes.Type(value = AdmissionCommand.RejectInvalid.class, name = "reject-invalid"),
  @JsonSubTypes.Type(value = AdmissionCommand.PolicyChanged.class, name = "policy"),
  @JsonSubTypes.Type(value = AdmissionCommand.HaltChanged.class, name = "halt"),
  @JsonSubTypes.Type(value = AdmissionCommand.Progress.class, name = "progress"),
  @JsonSubTypes.Type(value = AdmissionCommand.Heartbeat.class, name = "heartbeat"),
  @JsonSubTypes.Type(value = AdmissionCommand.EscrowAsked.class, name = "escrow-ask"),
  @JsonSubTypes.Type(value = AdmissionCommand.EscrowGranted.class, name = "escrow-grant"),
  @JsonSubTypes.Type(value = AdmissionCommand.Claim.class, name = "claim")
})
sealed interface AdmissionCommand extends Intake {

  /**
   * A valid request to decide.
   *
   * @param signature what intake read of its signature; null when it carries none
   */
  record Decide(FaultRequested request, String traceparent, RequestSignature signature)
      implements AdmissionCommand {
    public Decide {
      Objects.requireNonNull(request, "request");
    }

    Decide(FaultRequested request, String traceparent) {
      this(request, traceparent, null);
    }
  }

  /**
   * A request that broke the contract but names its tenant and fault. It is authenticated like a
   * valid one before it is rejected, so an unsigned invalid request cannot take the fault id.
   */
  record RejectInvalid(
      String tenantId,
      String faultId,
      List<Violation> violations,
      String traceparent,
      RequestSignature signature)
      implements AdmissionCommand {
    public RejectInvalid {
      TenantId.of(tenantId);
      FaultId.of(faultId);
      Objects.requireNonNull(violations, "violations");
    }

    RejectInvalid(String tenantId, String faultId, List<Violation> violations, String traceparent) {
      this(tenantId, faultId, violations, traceparent, null);
    }
  }

  /** A tenant's policy changed; {@code policy} null removes the tenant. */
  record PolicyChanged(String tenantId, TenantPolicy policy) implements AdmissionCommand {
    public PolicyChanged {
      TenantId.of(tenantId);
    }
  }

  /** A halt switch: scope {@code platform} or {@code tenant/<id>}. */
  record HaltChanged(String scope, boolean halted) implements AdmissionCommand {
    public HaltChanged {
      Objects.requireNonNull(scope, "scope");
    }
  }

  /**
   * An executor's heartbeat (ADR 0007): the faults it runs. Its append time, the admission log
   * record's timestamp, renews their leases and moves the heartbeat clock leases expire by.
   */
  record Heartbeat(String executorId, List<Running> faults) implements AdmissionCommand {
    public Heartbeat {
      Objects.requireNonNull(executorId, "executorId");
      faults = faults == null ? List.of() : List.copyOf(faults);
    }

    /** A fault the executor runs; it renews a lease only of the same tenant, fault and account. */
    record Running(String tenantId, String faultId, String accountId) {
      public Running {
        TenantId.of(tenantId);
        FaultId.of(faultId);
        if (accountId != null) {
          AccountId.of(accountId);
        }
      }
    }
  }

  /**
   * The executor reported on a fault; a terminal stage releases its lease. It touches a lease only
   * when tenant, fault id and account (when the event names one) all match it.
   *
   * @param accountId the event's account; null when it names none (an approval refused unread)
   */
  record Progress(
      String tenantId, String faultId, String accountId, long sequence, boolean terminal)
      implements AdmissionCommand {
    public Progress {
      TenantId.of(tenantId);
      FaultId.of(faultId);
      if (accountId != null) {
        AccountId.of(accountId);
      }
    }
  }

  /** A partition short of platform tokens asks the others (ADR 0012); written by admission. */
  record EscrowAsked(Ask ask) implements AdmissionCommand {
    public EscrowAsked {
      Objects.requireNonNull(ask, "ask");
    }
  }

  /** Platform tokens in flight to the partition that reads this; written by admission. */
  record EscrowGranted(Grant grant) implements AdmissionCommand {
    public EscrowGranted {
      Objects.requireNonNull(grant, "grant");
    }
  }

  /**
   * An executor claims the instances its tag-selected fault resolved to (issue 16): admission
   * grants those no other fault holds ({@code io.faultline.policy.claims.ClaimRule}).
   *
   * @param traceparent the claim's trace context; the grant carries it back
   */
  record Claim(TargetsClaimed claim, String traceparent) implements AdmissionCommand {
    public Claim {
      Objects.requireNonNull(claim, "claim");
    }
  }
}
