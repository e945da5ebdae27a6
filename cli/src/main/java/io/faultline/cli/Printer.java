package io.faultline.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;

/**
 * Where a command's results go: standard output, as text lines or one JSON object per line; notes
 * for people go to standard error in both formats, so {@code --output json} stays parseable.
 */
public final class Printer {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final OutputFormat format;
  private final PrintWriter out;
  private final PrintWriter err;

  public Printer(OutputFormat format, PrintWriter out, PrintWriter err) {
    this.format = format;
    this.out = out;
    this.err = err;
  }

  public OutputFormat format() {
    return format;
  }

  /** One result: {@code text} in text mode, {@code json} as one line in JSON mode. */
  public void result(String text, JsonNode json) {
    out.println(format == OutputFormat.JSON ? compact(json) : text);
    out.flush();
  }

  /** A note for people (standard error). */
  public void note(String text) {
    err.println(text);
    err.flush();
  }

  public static String compact(JsonNode json) {
    try {
      return JSON.writeValueAsString(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
