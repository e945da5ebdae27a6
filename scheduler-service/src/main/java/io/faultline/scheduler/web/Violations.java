package io.faultline.scheduler.web;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Collects every violation of a request, so a client can fix its body in one round. */
public final class Violations {
  private final List<FieldViolation> found = new ArrayList<>();

  public Violations add(String field, String rule, String message) {
    found.add(new FieldViolation(field, rule, message));
    return this;
  }

  /** Checks a required text against a pattern; true when valid. */
  public boolean text(String field, String value, String pattern, boolean required) {
    if (value == null || value.isBlank()) {
      if (required) {
        add(field, "required", field + " is required");
        return false;
      }
      return true;
    }
    if (!Pattern.matches(pattern, value)) {
      add(field, "pattern", field + " '" + printable(value) + "' must match " + pattern);
      return false;
    }
    return true;
  }

  public boolean required(String field, Object value) {
    if (value == null) {
      add(field, "required", field + " is required");
      return false;
    }
    return true;
  }

  public void maxLength(String field, String value, int max) {
    if (value != null && value.length() > max) {
      add(field, "maxLength", field + " must be at most " + max + " characters");
    }
  }

  public boolean isEmpty() {
    return found.isEmpty();
  }

  public void throwIfAny() {
    if (!found.isEmpty()) {
      throw new InvalidRequestException(found);
    }
  }

  private static String printable(String s) {
    String cut = s.length() > 80 ? s.substring(0, 80) + "…" : s;
    return cut.replaceAll("\\p{Cntrl}", "?");
  }
}
