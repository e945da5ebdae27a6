package io.faultline.executor.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void doublesEachWaitUpToTheCap() {
    Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(3));

    assertThat(Stream.generate(backoff::next).limit(6))
        .containsExactly(
            Duration.ofMillis(500),
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(3),
            Duration.ofSeconds(3),
            Duration.ofSeconds(3));
  }

  @Test
  void takesAFirstWaitAboveTheCapAsGivenThenTheCap() {
    Backoff backoff = new Backoff(Duration.ofSeconds(20), Duration.ofSeconds(10));

    assertThat(Stream.generate(backoff::next).limit(3))
        .containsExactly(Duration.ofSeconds(20), Duration.ofSeconds(10), Duration.ofSeconds(10));
  }
}
