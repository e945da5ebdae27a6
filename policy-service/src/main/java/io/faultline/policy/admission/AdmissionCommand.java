package io.faultline.policy.admission;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.faultline.events.policy.TenantPolicy;
import io.faultline.events.request.FaultRequested;
import io.faultline.events.validation.Violation;
import java.util.List;

/**
 * One entry of the admission log: everything that can change an admission decision, in the one
 * order the admission processor sees it.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
  @JsonSubTypes.Type(value = AdmissionCommand.Decide.class, name = "decide"),
  @JsonSubTypes.Type(value = AdmissionCommand.RejectInvalid.class, name = "reject-invalid"),
  @JsonSubTypes.Type(value = AdmissionCommand.PolicyChanged.class, name = "policy"),
  @JsonSubTypes.Type(value = AdmissionCommand.HaltChanged.class, name = "halt"),
  @JsonSubTypes.Type(value = AdmissionCommand.Progress.class, name = "progress")
})
sealed interface AdmissionCommand extends Intake {

  /** A valid request to decide. */
  record Decide(FaultRequested request, String traceparent) implements AdmissionCommand {}

  /** A request that broke the contract but names its tenant and fault. */
  record RejectInvalid(
      String tenantId, String faultId, List<Violation> violations, String traceparent)
      implements AdmissionCommand {}

  /** A tenant's policy changed; {@code policy} null removes the tenant. */
  record PolicyChanged(String tenantId, TenantPolicy policy) implements AdmissionCommand {}

  /** A halt switch: scope {@code platform} or {@code tenant/<id>}. */
  record HaltChanged(String scope, boolean halted) implements AdmissionCommand {}

  /** The executor reported on a fault; a terminal stage releases its lease. */
  record Progress(String faultId, long sequence, boolean terminal) implements AdmissionCommand {}
}
