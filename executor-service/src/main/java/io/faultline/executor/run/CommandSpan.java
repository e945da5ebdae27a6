package io.faultline.executor.run;

import io.faultline.events.lifecycle.FailureReason;
import io.faultline.events.tracing.FaultSpans;
import io.opentelemetry.api.trace.Span;

/**
 * One SSM command's span: ends when every instance it addressed has a result, with ERROR status
 * when any of them failed.
 */
final class CommandSpan {
  private final Span span;
  private final FailureReason failReason;
  private int open;
  private String failure;

  CommandSpan(Span span, FailureReason failReason, int instances) {
    this.span = span;
    this.failReason = failReason;
    this.open = instances;
  }

  void done(boolean ok, String detail) {
    if (!ok && failure == null) {
      failure = detail;
    }
    if (--open == 0) {
      end();
    }
  }

  /** Ends a command left without every result (aborted, released or interrupted). */
  void cutShort(FailureReason stoppedBy) {
    if (open <= 0) {
      return;
    }
    open = 0;
    if (stoppedBy != null) {
      span.setAttribute(FaultSpans.REASON_CODE, stoppedBy.name());
      span.addEvent("cut short");
      span.end();
    } else {
      failure = failure == null ? "no result" : failure;
      end();
    }
  }

  private void end() {
    if (failure != null) {
      FaultSpans.fail(span, failReason.name(), FaultTrace.brief(failure));
    }
    span.end();
  }
}
