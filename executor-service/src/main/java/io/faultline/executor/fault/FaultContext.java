package io.faultline.executor.fault;

import io.faultline.events.ids.FaultId;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What every document call carries besides the fault's own tunables.
 *
 * @param faultId the fault, also the host-side marker of what to undo
 * @param traceId the W3C trace id (32 hex) or empty
 */
public record FaultContext(FaultId faultId, String traceId) {
  private static final Pattern TRACE_ID = Pattern.compile("^([0-9a-f]{32})?$");

  public FaultContext {
    Objects.requireNonNull(faultId, "faultId");
    traceId = traceId == null ? "" : traceId;
    if (!TRACE_ID.matcher(traceId).matches()) {
      throw new IllegalArgumentException("traceId must be 32 lower-case hex characters or empty");
    }
  }
}
