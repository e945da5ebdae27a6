package io.faultline.executor.run;

import io.faultline.events.decision.FaultApproved;
import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.tracing.FaultSpans;
import io.faultline.executor.fault.AccountConnector;
import io.faultline.executor.fault.AccountRequest;
import io.faultline.executor.fault.AccountSession;
import io.faultline.executor.fault.TransportException;
import io.opentelemetry.api.trace.SpanKind;

/** The {@code fault.assume-role} phase: a session in the fault's account, or why there is none. */
final class AssumeRole {
  /**
   * @param session null when the account could not be reached
   * @param error why not (recorded on the span too)
   */
  record Result(AccountSession session, String error) {}

  private AssumeRole() {}

  static Result run(AccountConnector connector, FaultApproved approval, FaultTrace trace) {
    try (FaultTrace.PhaseSpan p = trace.phase(FaultSpans.ASSUME_ROLE, SpanKind.CLIENT)) {
      p.span()
          .setAttribute(FaultSpans.RPC_SYSTEM, "aws-api")
          .setAttribute(FaultSpans.RPC_SERVICE, "STS")
          .setAttribute(FaultSpans.RPC_METHOD, "AssumeRole")
          .setAttribute(FaultSpans.CLOUD_ACCOUNT_ID, approval.accountId().value());
      try {
        return new Result(connector.connect(request(approval)), null);
      } catch (TransportException e) {
        p.fail(FailureReason.ASSUME_ROLE, e.getMessage());
        return new Result(null, e.getMessage());
      }
    }
  }

  /** What the connector needs to reach the fault's account (the approval's access included). */
  static AccountRequest request(FaultApproved approval) {
    return AccountRequest.of(approval.coordinates(), approval.access());
  }
}
