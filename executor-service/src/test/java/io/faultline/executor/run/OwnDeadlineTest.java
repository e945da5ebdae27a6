package io.faultline.executor.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class OwnDeadlineTest {
  private static final long SECOND = Duration.ofSeconds(1).toNanos();

  @Test
  void holdsWhileBeatsAreAppendedWithinTheDeadline() {
    OwnDeadline deadline = new OwnDeadline(Duration.ofSeconds(10));
    long generation = deadline.generation();
    deadline.appended(System.nanoTime());

    assertThat(generation).isNotEqualTo(OwnDeadline.LAPSED);
    assertThat(deadline.holds(generation)).isTrue();
  }

  @Test
  void aBeatBuiltLongAfterThePreviousOneStartsANewGenerationSoOldFaultsNeverActAgain() {
    OwnDeadline deadline = new OwnDeadline(Duration.ofSeconds(10));
    long before = deadline.generation();
    long now = System.nanoTime();
    deadline.appended(now);

    // As after a pause: the next beat appended was built 30 s later; the heartbeat thread woke
    // first and its beat was appended before any fault's thread looked.
    deadline.appended(now + 30 * SECOND);

    assertThat(deadline.holds(before)).isFalse();
  }

  @Test
  void lapsesWhenNoBeatIsAppendedWithinTheDeadline() throws Exception {
    OwnDeadline deadline = new OwnDeadline(Duration.ofMillis(50));
    long generation = deadline.generation();
    long started = System.nanoTime();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> deadline.generation() == OwnDeadline.LAPSED);

    assertThat(System.nanoTime() - started).isGreaterThanOrEqualTo(Duration.ofMillis(50).toNanos());
    assertThat(deadline.holds(generation)).isFalse();
    deadline.appended(System.nanoTime());
    long next = deadline.generation();
    assertThat(next).isNotEqualTo(OwnDeadline.LAPSED).isNotEqualTo(generation);
    assertThat(deadline.holds(generation)).isFalse();
    assertThat(deadline.holds(next)).isTrue();
  }

  @Test
  void isTwoThirdsOfTheTakeoverGrace() {
    OwnDeadline deadline = OwnDeadline.forTakeoverGrace(Duration.ofSeconds(15));
    long generation = deadline.generation();
    long now = System.nanoTime();
    deadline.appended(now);
    deadline.appended(now + 9 * SECOND);
    assertThat(deadline.holds(generation)).isTrue();
    deadline.appended(now + 19 * SECOND + 1);
    assertThat(deadline.holds(generation)).isFalse();
  }
}
