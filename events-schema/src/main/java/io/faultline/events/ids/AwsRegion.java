package io.faultline.events.ids;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.regex.Pattern;

/** An AWS region name such as {@code eu-west-1}. */
public record AwsRegion(@JsonValue String value) {
  /** The pattern every {@code region} matches (also in the JSON Schemas). */
  public static final String PATTERN = "^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2}$";

  private static final Pattern COMPILED = Pattern.compile(PATTERN);

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public AwsRegion {
    Ids.require("region", value, COMPILED, PATTERN);
  }

  public static AwsRegion of(String value) {
    return new AwsRegion(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
