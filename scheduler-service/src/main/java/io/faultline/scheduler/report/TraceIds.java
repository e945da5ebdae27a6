package io.faultline.scheduler.report;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** W3C trace ids: from a {@code traceparent}, and checked before a report shows one. */
final class TraceIds {
  private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");
  private static final Pattern TRACEPARENT =
      Pattern.compile("[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}(-.*)?");
  private static final String INVALID = "0".repeat(32);

  private TraceIds() {}

  /** The trace id of a {@code traceparent} header value, empty when it is absent or malformed. */
  static Optional<String> fromTraceparent(String traceparent) {
    if (traceparent == null) {
      return Optional.empty();
    }
    Matcher m = TRACEPARENT.matcher(traceparent.trim());
    return m.matches() ? valid(m.group(1)) : Optional.empty();
  }

  /** The id if it is a valid W3C trace id (32 lower-case hex digits, not all zero). */
  static Optional<String> valid(String traceId) {
    return traceId != null && TRACE_ID.matcher(traceId).matches() && !traceId.equals(INVALID)
        ? Optional.of(traceId)
        : Optional.empty();
  }
}
