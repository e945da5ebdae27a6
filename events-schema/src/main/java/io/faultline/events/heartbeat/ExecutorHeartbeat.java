package io.faultline.events.heartbeat;

import io.faultline.events.ids.AccountId;
import io.faultline.events.ids.FaultId;
import io.faultline.events.ids.FaultKey;
import io.faultline.events.ids.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * One executor's heartbeat: every fault it runs at {@code sentAt}, sent every interval even when it
 * runs none (an empty heartbeat still moves the policy service's heartbeat clock). On {@code
 * faultline.executor-heartbeats.v1}, keyed by executor id; the broker stamps its append time, which
 * is the time leases are judged by.
 *
 * @param part which of {@code parts} records of this beat this is (more than {@link
 *     #MAX_FAULTS_PER_RECORD} faults are split)
 */
public record ExecutorHeartbeat(
    String executorId, Instant sentAt, int part, int parts, List<RunningFault> faults) {
  // At the longest ids a fault takes about 280 bytes: 2,000 stay well under the 1 MiB event limit.
  public static final int MAX_FAULTS_PER_RECORD = 2_000;

  public ExecutorHeartbeat {
    Objects.requireNonNull(executorId, "executorId");
    Objects.requireNonNull(sentAt, "sentAt");
    faults = faults == null ? List.of() : List.copyOf(faults);
    if (parts < 1 || part < 1 || part > parts) {
      throw new IllegalArgumentException("part " + part + " of " + parts);
    }
  }

  /**
   * A fault the executor runs.
   *
   * @param epoch the executor's ownership epoch of the fault (ADR 0007 §5; 0 until takeovers count
   *     them)
   * @param phase what it is doing: {@code STARTING}, {@code INJECTING}, {@code HOLDING}, {@code
   *     ROLLING_BACK}
   */
  public record RunningFault(
      TenantId tenantId, FaultId faultId, AccountId accountId, long epoch, String phase) {
    public RunningFault {
      Objects.requireNonNull(tenantId, "tenantId");
      Objects.requireNonNull(faultId, "faultId");
      Objects.requireNonNull(phase, "phase");
    }

    public FaultKey key() {
      return new FaultKey(tenantId, faultId);
    }
  }

  /** The records of one beat: {@code faults} in parts of at most {@link #MAX_FAULTS_PER_RECORD}. */
  public static List<ExecutorHeartbeat> of(
      String executorId, Instant sentAt, List<RunningFault> faults) {
    int parts = Math.max(1, (faults.size() + MAX_FAULTS_PER_RECORD - 1) / MAX_FAULTS_PER_RECORD);
    return IntStream.range(0, parts)
        .mapToObj(
            i ->
                new ExecutorHeartbeat(
                    executorId,
                    sentAt,
                    i + 1,
                    parts,
                    faults.subList(
                        i * MAX_FAULTS_PER_RECORD,
                        Math.min(faults.size(), (i + 1) * MAX_FAULTS_PER_RECORD))))
        .toList();
  }
}
