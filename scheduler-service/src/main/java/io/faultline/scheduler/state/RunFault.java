package io.faultline.scheduler.state;

/**
 * One fault of a run and the last lifecycle stage seen for it ({@code REQUESTED} until the first
 * lifecycle event arrives).
 */
public record RunFault(
    String faultId,
    int wave,
    String accountId,
    String region,
    String stage,
    long sequence,
    String reason,
    String detail) {

  public RunFault with(String newStage, long newSequence, String newReason, String newDetail) {
    return new RunFault(
        faultId, wave, accountId, region, newStage, newSequence, newReason, newDetail);
  }
}
