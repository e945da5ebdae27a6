package io.faultline.executor.fault.document;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host-side shell libraries shared by the documents ({@code faults/_lib/<name>.sh}, e.g. the
 * dead-man revert in {@code deadman.sh}) and their expansion. A line holding only {@code #
 * faultline:include <name>.sh} (indented like the script around it) is replaced by the library's
 * text, every line indented like the marker, between two comment lines naming it. Libraries may
 * include others; each is expanded once per document and a later include of it is dropped. So the
 * content SSM receives is self-contained and the same bytes for the same resources.
 */
final class HostLibraries {
  static final String DIRECTORY = "faults/_lib/";
  static final String INCLUDE_MARKER = "faultline:include";

  private static final Pattern INCLUDE =
      Pattern.compile("^( *)# " + INCLUDE_MARKER + " ([a-z0-9][a-z0-9-]*\\.sh)$");

  private HostLibraries() {}

  /**
   * Expands every include of {@code content}.
   *
   * @throws IllegalArgumentException naming the line and the library, for an include that is
   *     malformed or names no library in {@value #DIRECTORY}
   */
  static String expand(String content) {
    return expand("line", content, "", new HashSet<>());
  }

  /**
   * The text of one library, exactly as stored.
   *
   * @throws IllegalArgumentException when there is no such library
   */
  static String text(String name) {
    String resource = DIRECTORY + name;
    try (InputStream in = HostLibraries.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no " + resource + " on the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  private static String expand(String where, String text, String indent, Set<String> included) {
    String[] lines = text.split("\n", -1);
    List<String> out = new ArrayList<>(lines.length);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (!line.contains(INCLUDE_MARKER)) {
        out.add(line.isEmpty() ? line : indent + line);
        continue;
      }
      String at = where + " " + (i + 1);
      Matcher m = INCLUDE.matcher(line);
      if (!m.matches()) {
        throw new IllegalArgumentException(
            at
                + " has a malformed include '"
                + line.strip()
                + "' (expected '# "
                + INCLUDE_MARKER
                + " <name>.sh' alone on its line)");
      }
      String inner = indent + m.group(1);
      String name = m.group(2);
      if (!included.add(name)) {
        out.add(inner + "# " + DIRECTORY + name + ": expanded above");
        continue;
      }
      String library;
      try {
        library = text(name);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            at + " includes unknown library '" + name + "' (" + e.getMessage() + ")", e);
      }
      if (library.endsWith("\n")) {
        library = library.substring(0, library.length() - 1);
      }
      out.add(inner + "# --- " + DIRECTORY + name + " ---");
      out.add(expand(name + " line", library, inner, included));
      out.add(inner + "# --- end of " + DIRECTORY + name + " ---");
    }
    return String.join("\n", out);
  }
}
