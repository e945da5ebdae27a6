package io.faultline.events.ids;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.regex.Pattern;

/** A 12-digit AWS account id. */
public record AccountId(@JsonValue String value) {
  /** The pattern every {@code accountId} matches (also in the JSON Schemas). */
  public static final String PATTERN = "^[0-9]{12}$";

  private static final Pattern COMPILED = Pattern.compile(PATTERN);

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public AccountId {
    Ids.require("accountId", value, COMPILED, PATTERN);
  }

  public static AccountId of(String value) {
    return new AccountId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
