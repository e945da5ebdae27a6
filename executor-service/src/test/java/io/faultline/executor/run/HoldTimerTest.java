package io.faultline.executor.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.faultline.events.lifecycle.FailureReason;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class HoldTimerTest {
  private final List<Boolean> wakes = new CopyOnWriteArrayList<>();

  @Test
  void wakesAParkedFaultOnceWithFullWhenItsHoldPasses() {
    AbortSignal signal = new AbortSignal();
    try (HoldTimer timer = new HoldTimer()) {
      timer.park(Duration.ofMillis(50), signal, wakes::add);

      await().atMost(Duration.ofSeconds(5)).until(() -> !wakes.isEmpty());
      signal.abort(FailureReason.HALTED);
      assertThat(wakes).containsExactly(true);
    }
  }

  @Test
  void anAbortWakesAParkedFaultAtOnceAndItsTimerNeverFires() {
    AbortSignal signal = new AbortSignal();
    try (HoldTimer timer = new HoldTimer()) {
      timer.park(Duration.ofHours(1), signal, wakes::add);
      assertThat(wakes).isEmpty();

      signal.abort(FailureReason.HALTED);

      assertThat(wakes).containsExactly(false);
      signal.release();
      assertThat(wakes).containsExactly(false);
    }
  }

  @Test
  void aFaultReleasedBeforeItParksIsWokenAtOnce() {
    AbortSignal signal = new AbortSignal();
    signal.release();
    try (HoldTimer timer = new HoldTimer()) {
      timer.park(Duration.ofHours(1), signal, wakes::add);

      assertThat(wakes).containsExactly(false);
    }
  }

  @Test
  void aFaultParkedAfterTheTimerClosedIsWokenAtOnceNotLost() {
    AbortSignal signal = new AbortSignal();
    HoldTimer timer = new HoldTimer();
    timer.close();

    timer.park(Duration.ofHours(1), signal, wakes::add);

    assertThat(wakes).containsExactly(false);
  }
}
