package io.faultline.executor.run;

import io.faultline.events.decision.FaultApproved;
import java.time.Instant;
import java.util.Optional;

/**
 * An approval's start deadline ({@code leaseExpiresAt}, ADR 0007 §4): until the first heartbeat
 * names the fault, the policy service holds its lease only until then. An approval read later may
 * have lost its lease, and its targets may already belong to another fault, so it must not start.
 */
final class StartDeadline {
  private StartDeadline() {}

  /**
   * @return the terminal detail when {@code readAt} is after the approval's deadline; empty when it
   *     may start
   */
  static Optional<String> missed(FaultApproved approval, Instant readAt) {
    Instant deadline = approval.leaseExpiresAt();
    if (!readAt.isAfter(deadline)) {
      return Optional.empty();
    }
    return Optional.of(
        "not started: approval read at "
            + readAt
            + ", after its start deadline "
            + deadline
            + " (leaseExpiresAt); its lease may be released and its targets given to another"
            + " fault");
  }
}
