package io.faultline.events.ids;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.regex.Pattern;

/** An experiment (template) in the scheduler. */
public record ExperimentId(@JsonValue String value) {
  /** The pattern every {@code experimentId} matches (also in the JSON Schemas). */
  public static final String PATTERN = "^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$";

  private static final Pattern COMPILED = Pattern.compile(PATTERN);

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public ExperimentId {
    Ids.require("experimentId", value, COMPILED, PATTERN);
  }

  public static ExperimentId of(String value) {
    return new ExperimentId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
