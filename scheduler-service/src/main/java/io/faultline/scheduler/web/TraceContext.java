package io.faultline.scheduler.web;

import jakarta.servlet.http.HttpServletRequest;
import java.util.regex.Pattern;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The W3C {@code traceparent} of the current HTTP request, if the caller sent a well-formed one; it
 * travels on the events the request causes, so a pipeline's trace continues into Faultline's.
 */
public final class TraceContext {
  private static final Pattern TRACEPARENT =
      Pattern.compile("^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$");

  private TraceContext() {}

  /** The caller's traceparent, or null outside a request or when absent or malformed. */
  public static String current() {
    if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attrs) {
      HttpServletRequest request = attrs.getRequest();
      String value = request.getHeader("traceparent");
      if (value != null && TRACEPARENT.matcher(value).matches()) {
        return value;
      }
    }
    return null;
  }
}
