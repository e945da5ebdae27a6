package io.faultline.events.ids;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.regex.Pattern;

/** One fault: the idempotency key of a request, the subject of every event about it. */
public record FaultId(@JsonValue String value) {
  /** The pattern every {@code faultId} matches (also in the JSON Schemas). */
  public static final String PATTERN = "^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$";

  private static final Pattern COMPILED = Pattern.compile(PATTERN);

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public FaultId {
    Ids.require("faultId", value, COMPILED, PATTERN);
  }

  public static FaultId of(String value) {
    return new FaultId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
