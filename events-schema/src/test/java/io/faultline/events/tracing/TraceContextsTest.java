package io.faultline.events.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import org.junit.jupiter.api.Test;

class TraceContextsTest {
  private static final String TRACEPARENT =
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  @Test
  void readsTheTraceIdOfAWellFormedTraceparent() {
    assertThat(TraceContexts.traceId(TRACEPARENT)).contains("4bf92f3577b34da6a3ce929d0e0e4736");
  }

  @Test
  void refusesMalformedOrAllZeroTraceparents() {
    assertThat(TraceContexts.isValid("00-00000000000000000000000000000000-00f067aa0ba902b7-01"))
        .isFalse();
    assertThat(TraceContexts.isValid("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
        .isFalse();
    assertThat(TraceContexts.isValid("00-4bf92f35;rm -rf /")).isFalse();
    assertThat(TraceContexts.extract("garbage")).isSameAs(Context.root());
  }

  @Test
  void extractedContextKeepsTraceAndParentSpan() {
    Span parent = Span.fromContext(TraceContexts.extract(TRACEPARENT));
    assertThat(parent.getSpanContext().getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(parent.getSpanContext().getSpanId()).isEqualTo("00f067aa0ba902b7");
    assertThat(TraceContexts.traceparentOf(parent)).isEqualTo(TRACEPARENT);
  }
}
