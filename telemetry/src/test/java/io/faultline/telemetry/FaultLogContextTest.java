package io.faultline.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class FaultLogContextTest {
  private static final Span SPAN =
      Span.wrap(
          SpanContext.create(
              "4bf92f3577b34da6a3ce929d0e0e4736",
              "00f067aa0ba902b7",
              TraceFlags.getSampled(),
              TraceState.getDefault()));

  @AfterEach
  void clear() {
    MDC.clear();
  }

  @Test
  void stampsTraceSpanTenantAndFaultWhileOpen() {
    try (FaultLogContext ignored = FaultLogContext.open("acme", "f-1", SPAN)) {
      assertThat(MDC.get("trace_id")).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
      assertThat(MDC.get("span_id")).isEqualTo("00f067aa0ba902b7");
      assertThat(MDC.get("tenant_id")).isEqualTo("acme");
      assertThat(MDC.get("fault_id")).isEqualTo("f-1");
    }
    assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
  }

  @Test
  void closingRestoresTheOuterFault() {
    try (FaultLogContext outer = FaultLogContext.open("acme", "f-outer", SPAN)) {
      try (FaultLogContext inner = FaultLogContext.open("acme", "f-inner", Span.getInvalid())) {
        assertThat(MDC.get("fault_id")).isEqualTo("f-inner");
        assertThat(MDC.get("trace_id")).as("invalid span leaves the outer trace").isNotNull();
      }
      assertThat(MDC.get("fault_id")).isEqualTo("f-outer");
      assertThat(MDC.get("span_id")).isEqualTo("00f067aa0ba902b7");
    }
    assertThat(MDC.get("fault_id")).isNull();
  }

  @Test
  void leavesOutWhatIsUnknown() {
    try (FaultLogContext ignored = FaultLogContext.open(null, "f-2", Span.getInvalid())) {
      assertThat(MDC.getCopyOfContextMap()).containsOnlyKeys("fault_id");
    }
  }
}
