package io.faultline.executor.fault;

import io.faultline.events.ids.FaultId;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What every document call carries besides the fault's own tunables.
 *
 * @param faultId the fault, also the host-side marker of what to undo
 * @param traceId the W3C trace id (32 hex) or empty
 * @param protectedDestinations IPv4 addresses or CIDRs the fault may never act on (the approval's
 *     guard with the tenant's current one); handed to documents that declare {@code
 *     ProtectedDestinations}, which refuse a resolved destination inside one
 */
public record FaultContext(FaultId faultId, String traceId, List<String> protectedDestinations) {
  private static final Pattern TRACE_ID = Pattern.compile("^([0-9a-f]{32})?$");
  private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";
  private static final Pattern DESTINATION =
      Pattern.compile("^" + OCTET + "(\\." + OCTET + "){3}(/(3[0-2]|[12]?[0-9]))?$");

  public FaultContext {
    Objects.requireNonNull(faultId, "faultId");
    traceId = traceId == null ? "" : traceId;
    if (!TRACE_ID.matcher(traceId).matches()) {
      throw new IllegalArgumentException("traceId must be 32 lower-case hex characters or empty");
    }
    protectedDestinations =
        protectedDestinations == null ? List.of() : List.copyOf(protectedDestinations);
    for (String destination : protectedDestinations) {
      if (!DESTINATION.matcher(destination).matches()) {
        throw new IllegalArgumentException(
            "protected destination '" + destination + "' is not an IPv4 address or CIDR");
      }
    }
  }

  /** A context protecting no destination. */
  public FaultContext(FaultId faultId, String traceId) {
    this(faultId, traceId, List.of());
  }
}
