package io.faultline.events.ids;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FaultKeyTest {
  @Test
  void theSameFaultIdInTwoTenantsIsTwoFaults() {
    assertThat(FaultKey.of("acme", "run-1.w0.t0"))
        .isNotEqualTo(FaultKey.of("globex", "run-1.w0.t0"));
    assertThat(FaultKey.of("acme", "run-1.w0.t0").value()).isEqualTo("acme/run-1.w0.t0");
  }

  @Test
  void readsItsStringFormBack() {
    FaultKey key = FaultKey.of("acme", "f-1:retry.2");
    assertThat(FaultKey.parse(key.value())).isEqualTo(key);
  }

  @Test
  void refusesAKeyWithoutBothParts() {
    assertThatThrownBy(() -> FaultKey.parse("f-1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FaultKey.parse("acme/")).isInstanceOf(RuntimeException.class);
  }
}
