package io.faultline.telemetry;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.MDC;

/**
 * Stamps the current fault on every log line written while it is open: the trace and span ids of
 * the span being worked in, the tenant and the fault id. Spring Boot's structured (JSON) console
 * logging writes these MDC entries as fields, so a log line can be found from a trace and the
 * reverse. Closing restores what was there before, so nested contexts and pooled threads stay
 * clean.
 */
public final class FaultLogContext implements AutoCloseable {
  public static final String TRACE_ID = "trace_id";
  public static final String SPAN_ID = "span_id";
  public static final String TENANT_ID = "tenant_id";
  public static final String FAULT_ID = "fault_id";

  private final List<String[]> previous = new ArrayList<>();

  private FaultLogContext() {}

  /** Opens a context for a fault; null values are left out. */
  public static FaultLogContext open(String tenantId, String faultId, Span span) {
    FaultLogContext context = new FaultLogContext();
    SpanContext spanContext = span == null ? SpanContext.getInvalid() : span.getSpanContext();
    if (spanContext.isValid()) {
      context.put(TRACE_ID, spanContext.getTraceId());
      context.put(SPAN_ID, spanContext.getSpanId());
    }
    context.put(TENANT_ID, tenantId);
    context.put(FAULT_ID, faultId);
    return context;
  }

  /** Opens a context for a fault in the current span. */
  public static FaultLogContext open(String tenantId, String faultId) {
    return open(tenantId, faultId, Span.current());
  }

  private void put(String key, String value) {
    if (value == null) {
      return;
    }
    previous.add(new String[] {key, MDC.get(key)});
    MDC.put(key, value);
  }

  @Override
  public void close() {
    for (int i = previous.size() - 1; i >= 0; i--) {
      String[] entry = previous.get(i);
      if (entry[1] == null) {
        MDC.remove(entry[0]);
      } else {
        MDC.put(entry[0], entry[1]);
      }
    }
    previous.clear();
  }
}
