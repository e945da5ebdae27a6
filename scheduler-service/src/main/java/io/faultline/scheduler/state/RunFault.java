package io.faultline.scheduler.state;

import java.util.ArrayList;
import java.util.List;

/**
 * One fault of a run and the last lifecycle stage seen for it ({@code PLANNED} before its wave,
 * {@code REQUESTED} until the first lifecycle event arrives).
 *
 * @param seen the lifecycle sequence numbers already applied (a redelivered event is dropped)
 */
public record RunFault(
    String faultId,
    int wave,
    String accountId,
    String region,
    String stage,
    long sequence,
    String reason,
    String detail,
    List<Long> seen) {
  public RunFault {
    seen = seen == null ? List.of() : List.copyOf(seen);
  }

  public RunFault with(String newStage, long newSequence, String newReason, String newDetail) {
    return new RunFault(
        faultId, wave, accountId, region, newStage, newSequence, newReason, newDetail, seen);
  }

  public boolean hasSeen(long lifecycleSequence) {
    return seen.contains(lifecycleSequence);
  }

  public RunFault markSeen(long lifecycleSequence) {
    List<Long> more = new ArrayList<>(seen);
    more.add(lifecycleSequence);
    return new RunFault(faultId, wave, accountId, region, stage, sequence, reason, detail, more);
  }
}
