package io.faultline.scheduler.report;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** Text for the HTML page: escaped, whatever it holds, and instants in one readable form. */
final class HtmlText {
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter CLOCK_TENTHS =
      DateTimeFormatter.ofPattern("HH:mm:ss.S").withZone(ZoneOffset.UTC);

  private HtmlText() {}

  /**
   * The text with every character that could end an element or an attribute escaped; safe in
   * element content and in double- or single-quoted attributes, of HTML and of inline SVG.
   */
  static String escape(Object value) {
    if (value == null) {
      return "";
    }
    String text = value.toString();
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        // Control characters have no business in a report and some are invalid in HTML.
        default -> out.append(Character.isISOControl(c) && c != '\n' && c != '\t' ? ' ' : c);
      }
    }
    return out.toString();
  }

  /** An instant to the second, in UTC; empty for null. */
  static String when(Instant at) {
    return at == null ? "" : WHEN.format(at.truncatedTo(ChronoUnit.SECONDS));
  }

  /** The time of day of an instant, in UTC, to the second or to the tenth. */
  static String clock(Instant at, boolean tenths) {
    return (tenths ? CLOCK_TENTHS : CLOCK).format(at);
  }

  /** At most {@code max} characters, an ellipsis marking a cut. */
  static String shorten(String text, int max) {
    if (text == null || text.length() <= max) {
      return text == null ? "" : text;
    }
    return text.substring(0, max - 1) + "…";
  }
}
