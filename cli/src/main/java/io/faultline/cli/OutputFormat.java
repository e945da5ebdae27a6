package io.faultline.cli;

/** How a command prints: lines for people, or one JSON object per line for programs. */
public enum OutputFormat {
  TEXT,
  JSON;

  /** Accepts {@code text} / {@code json} in any case. */
  public static OutputFormat parse(String value) {
    for (OutputFormat format : values()) {
      if (format.name().equalsIgnoreCase(value)) {
        return format;
      }
    }
    throw new IllegalArgumentException("'" + value + "' is not one of text, json");
  }
}
