package io.faultline.events.ids;

import java.util.Objects;

/**
 * Which fault, and where it runs: the seven coordinates a request, its approval, its lifecycle
 * events and the executor's account session all carry. Never serialized itself: each event keeps
 * its own flat fields, and {@code coordinates()} on it reads them.
 *
 * <p>Only the fault's identity ({@link #key()}) is always known. Experiment and run are optional;
 * fault type, account and region are set for every readable request and absent only from the events
 * about a request or an approval that could not be read.
 */
public record FaultCoordinates(
    FaultId faultId,
    TenantId tenantId,
    ExperimentId experimentId,
    RunId runId,
    FaultType faultType,
    AccountId accountId,
    AwsRegion region) {
  public FaultCoordinates {
    Objects.requireNonNull(faultId, "faultId");
    Objects.requireNonNull(tenantId, "tenantId");
  }

  /** The fault's identity (ADR 0007). */
  public FaultKey key() {
    return new FaultKey(tenantId, faultId);
  }
}
