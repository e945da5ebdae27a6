package io.faultline.executor.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.executor.fault.Timing;
import org.junit.jupiter.api.Test;

class SerialBoundTest {
  private static final Timing SERIAL = new Timing(5, 30, Timing.Sequence.SERIAL);

  @Test
  void refusesASerialRunWhoseHostsTimesDurationExceedTheBoundNamingBothNumbers() {
    assertThat(SerialBound.exceeded(SERIAL, 4, 120))
        .hasValue(
            "SEQUENCE=serial holds 4 hosts x 30 s + 2 x 5 s ramp = 130 s, which exceeds the"
                + " policy's maximum duration of 120 s; nothing injected");
  }

  @Test
  void allowsASerialRunExactlyAtTheBound() {
    assertThat(SerialBound.exceeded(SERIAL, 4, 130)).isEmpty();
  }

  @Test
  void neverBoundsAParallelRunOrASingleHost() {
    assertThat(SerialBound.exceeded(new Timing(5, 30, Timing.Sequence.PARALLEL), 40, 60)).isEmpty();
    assertThat(SerialBound.exceeded(SERIAL, 1, null)).isEmpty();
  }

  @Test
  void failsClosedWhenTheApprovalCarriesNoBound() {
    assertThat(SerialBound.exceeded(SERIAL, 2, null))
        .hasValueSatisfying(
            why -> assertThat(why).contains("2 hosts x 30 s").contains("no maxDurationSeconds"));
  }
}
