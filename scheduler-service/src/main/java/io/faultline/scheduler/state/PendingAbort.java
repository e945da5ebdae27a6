package io.faultline.scheduler.state;

import java.time.Instant;

/**
 * An ABORT_FAULT or ABORT_RUN control the engine published whose fault (or run) has not ended yet:
 * until it has, the control must stay on the compacted controls topic, so that an executor reading
 * the fault's approval later still finds it aborted.
 *
 * @param scope the control's key, {@code fault/<tenant>/<fault id>} or {@code run/<tenant>/<run
 *     id>}
 * @param issuedAt when the abort was published
 */
public record PendingAbort(String scope, String tenantId, Instant issuedAt) {}
