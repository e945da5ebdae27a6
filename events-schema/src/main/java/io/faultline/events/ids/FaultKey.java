package io.faultline.events.ids;

import java.util.Objects;

/**
 * A fault's identity: its tenant and its fault id (ADR 0007). A fault id is unique only inside its
 * tenant, so every store and key that names a fault uses this, never the fault id alone. Its string
 * form {@code <tenantId>/<faultId>} splits back unambiguously: neither id may contain {@code /}.
 */
public record FaultKey(TenantId tenantId, FaultId faultId) {
  public FaultKey {
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(faultId, "faultId");
  }

  public static FaultKey of(String tenantId, String faultId) {
    return new FaultKey(TenantId.of(tenantId), FaultId.of(faultId));
  }

  /** {@code <tenantId>/<faultId>}. */
  public String value() {
    return tenantId.value() + "/" + faultId.value();
  }

  /** Reads {@link #value()} back; the parts are checked against their patterns. */
  public static FaultKey parse(String value) {
    int slash = value == null ? -1 : value.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("a fault key is <tenantId>/<faultId>, got " + value);
    }
    return of(value.substring(0, slash), value.substring(slash + 1));
  }

  @Override
  public String toString() {
    return value();
  }
}
