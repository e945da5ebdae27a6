package io.faultline.events.ids;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.regex.Pattern;

/** A tenant: the owner of accounts, policies and faults. Lower-case, DNS-label-like. */
public record TenantId(@JsonValue String value) {
  /** The pattern every {@code tenantId} matches (also in the JSON Schemas). */
  public static final String PATTERN = "^[a-z0-9][a-z0-9-]{1,62}$";

  private static final Pattern COMPILED = Pattern.compile(PATTERN);

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public TenantId {
    Ids.require("tenantId", value, COMPILED, PATTERN);
  }

  public static TenantId of(String value) {
    return new TenantId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
