package io.faultline.events.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * W3C trace context as Faultline carries it: the {@code traceparent} CloudEvents extension (header
 * {@code ce_traceparent}) and a plain {@code traceparent} Kafka header for
 * OpenTelemetry-instrumented consumers. Every event of a fault carries the same trace id: one trace
 * per fault.
 */
public final class TraceContexts {
  private static final Pattern TRACEPARENT =
      Pattern.compile("^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$");
  private static final String INVALID_TRACE = "00000000000000000000000000000000";

  private static final TextMapGetter<Map<String, String>> GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
          return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
          return carrier == null ? null : carrier.get(key);
        }
      };
  private static final TextMapSetter<Map<String, String>> SETTER = Map::put;

  private TraceContexts() {}

  /** Whether a string is a well-formed version-00 traceparent with a valid trace id. */
  public static boolean isValid(String traceparent) {
    if (traceparent == null) {
      return false;
    }
    var matcher = TRACEPARENT.matcher(traceparent);
    return matcher.matches() && !matcher.group(1).equals(INVALID_TRACE);
  }

  /** The 32-hex trace id of a traceparent, if it is well-formed. */
  public static Optional<String> traceId(String traceparent) {
    if (!isValid(traceparent)) {
      return Optional.empty();
    }
    return Optional.of(traceparent.substring(3, 35));
  }

  /** The parent context described by a traceparent; the root context when absent or malformed. */
  public static Context extract(String traceparent) {
    if (!isValid(traceparent)) {
      return Context.root();
    }
    return W3CTraceContextPropagator.getInstance()
        .extract(Context.root(), Map.of("traceparent", traceparent), GETTER);
  }

  /** The traceparent of a span, or null when the span is not recording a valid context. */
  public static String traceparentOf(Span span) {
    SpanContext context = span.getSpanContext();
    if (!context.isValid()) {
      return null;
    }
    Map<String, String> carrier = new HashMap<>();
    W3CTraceContextPropagator.getInstance().inject(Context.root().with(span), carrier, SETTER);
    return carrier.get("traceparent");
  }

  /** The propagation fields OpenTelemetry uses, for documentation and tests. */
  public static List<String> fields(OpenTelemetry openTelemetry) {
    return List.copyOf(openTelemetry.getPropagators().getTextMapPropagator().fields());
  }
}
