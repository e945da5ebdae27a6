package io.faultline.scheduler.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TraceIdsTest {
  @Test
  void readsTheTraceIdOfATraceparent() {
    assertThat(TraceIds.fromTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
        .contains("4bf92f3577b34da6a3ce929d0e0e4736");
  }

  @Test
  void ignoresMissingMalformedAndAllZeroIds() {
    assertThat(TraceIds.fromTraceparent(null)).isEmpty();
    assertThat(TraceIds.fromTraceparent("00-<b>-00f067aa0ba902b7-01")).isEmpty();
    assertThat(TraceIds.fromTraceparent("00-" + "0".repeat(32) + "-00f067aa0ba902b7-01")).isEmpty();
    assertThat(TraceIds.valid("4BF92F3577B34DA6A3CE929D0E0E4736")).isEmpty();
    assertThat(TraceIds.valid("abc")).isEmpty();
  }
}
