package io.faultline.events.ids;

import java.util.regex.Pattern;

/**
 * Shared checks for typed ids: every id is validated when it is built, so no invalid id travels.
 */
final class Ids {
  private Ids() {}

  static String require(String field, String value, Pattern pattern, String rule) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(field + " must not be empty");
    }
    if (!pattern.matcher(value).matches()) {
      throw new IllegalArgumentException(field + " '" + value + "' must match " + rule);
    }
    return value;
  }
}
