package io.faultline.executor.security;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * RFC 9457 problem details naming the rule that refused the call, written before any controller
 * runs (authentication) and by the controllers.
 */
public final class Problems {
  private Problems() {}

  /** A problem as JSON: type, title, status, detail, and the rule (and field, if any). */
  public static String json(int status, String title, String rule, String field, String detail) {
    StringBuilder out =
        new StringBuilder()
            .append("{\"type\":\"https://faultline.io/problems/")
            .append(rule)
            .append("\",\"title\":")
            .append(quoted(title))
            .append(",\"status\":")
            .append(status)
            .append(",\"detail\":")
            .append(quoted(detail))
            .append(",\"rule\":")
            .append(quoted(rule));
    if (field != null) {
      out.append(",\"errors\":[{\"field\":")
          .append(quoted(field))
          .append(",\"rule\":")
          .append(quoted(rule))
          .append(",\"message\":")
          .append(quoted(detail))
          .append("}]");
    }
    return out.append('}').toString();
  }

  static void write(
      HttpServletResponse response, int status, String title, String rule, String detail)
      throws IOException {
    response.setStatus(status);
    if (status == HttpServletResponse.SC_UNAUTHORIZED) {
      response.setHeader("WWW-Authenticate", "Bearer");
    }
    response.setContentType("application/problem+json");
    response.getWriter().write(json(status, title, rule, null, detail));
  }

  private static String quoted(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
