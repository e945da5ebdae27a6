package io.faultline.events.ids;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.regex.Pattern;

/** One run of an experiment; a run groups the faults of its waves. */
public record RunId(@JsonValue String value) {
  /** The pattern every {@code runId} matches (also in the JSON Schemas). */
  public static final String PATTERN = "^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$";

  private static final Pattern COMPILED = Pattern.compile(PATTERN);

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public RunId {
    Ids.require("runId", value, COMPILED, PATTERN);
  }

  public static RunId of(String value) {
    return new RunId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
