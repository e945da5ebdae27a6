package io.faultline.events.ids;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.regex.Pattern;

/** A fault type of the catalogue, such as {@code ec2-process-kill}. */
public record FaultType(@JsonValue String value) {
  /** The pattern every {@code faultType} matches (also in the JSON Schemas). */
  public static final String PATTERN = "^[a-z0-9][a-z0-9-]{1,62}$";

  private static final Pattern COMPILED = Pattern.compile(PATTERN);

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public FaultType {
    Ids.require("faultType", value, COMPILED, PATTERN);
  }

  public static FaultType of(String value) {
    return new FaultType(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
