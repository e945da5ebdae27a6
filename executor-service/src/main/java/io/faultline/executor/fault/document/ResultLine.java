package io.faultline.executor.fault.document;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One machine-readable {@code FAULTLINE_RESULT key=value ...} line printed by a document's script
 * (format in {@code package-info.java}). The line carrying {@code action=} is the run's summary.
 *
 * @param fields the key/value pairs in the order printed
 */
public record ResultLine(Map<String, String> fields) {
  /** The marker every result line starts with. */
  public static final String MARKER = "FAULTLINE_RESULT";

  public ResultLine {
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  /**
   * Extracts every result line from a command's output (stdout and stderr interleaved); other lines
   * and malformed tokens are ignored, so log noise can never forge a key.
   */
  public static List<ResultLine> parseAll(String output) {
    List<ResultLine> lines = new ArrayList<>();
    for (String line : output.split("\\R")) {
      String trimmed = line.strip();
      if (!trimmed.startsWith(MARKER + " ")) {
        continue;
      }
      Map<String, String> fields = new LinkedHashMap<>();
      for (String token : trimmed.substring(MARKER.length()).trim().split("\\s+")) {
        int eq = token.indexOf('=');
        if (eq > 0 && token.substring(0, eq).matches("[a-z][a-z0-9_]*")) {
          fields.putIfAbsent(token.substring(0, eq), token.substring(eq + 1));
        }
      }
      if (!fields.isEmpty()) {
        lines.add(new ResultLine(fields));
      }
    }
    return List.copyOf(lines);
  }

  /** The run's summary (the last line with an {@code action} key), if the script got that far. */
  public static Optional<ResultLine> summary(String output) {
    List<ResultLine> all = parseAll(output);
    for (int i = all.size() - 1; i >= 0; i--) {
      if (all.get(i).fields().containsKey("action")) {
        return Optional.of(all.get(i));
      }
    }
    return Optional.empty();
  }

  /** The value of {@code key}, if present. */
  public Optional<String> get(String key) {
    return Optional.ofNullable(fields.get(key));
  }

  /** The {@code outcome} value, or {@code ""} when absent. */
  public String outcome() {
    return fields.getOrDefault("outcome", "");
  }
}
