package io.faultline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DurationsTest {
  @Test
  void readsShortAndIsoForms() {
    assertThat(Durations.parse("30m")).isEqualTo(Duration.ofMinutes(30));
    assertThat(Durations.parse("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("2m30s")).isEqualTo(Duration.ofSeconds(150));
    assertThat(Durations.parse("PT45S")).isEqualTo(Duration.ofSeconds(45));
  }

  @Test
  void refusesMalformedAndNonPositiveDurations() {
    assertThatThrownBy(() -> Durations.parse("30x"))
        .isInstanceOf(CommandLine.TypeConversionException.class)
        .hasMessageContaining("rule: format");
    assertThatThrownBy(() -> Durations.parse("0s"))
        .isInstanceOf(CommandLine.TypeConversionException.class)
        .hasMessageContaining("rule: positive");
    assertThatThrownBy(() -> Durations.parse("m")).hasMessageContaining("rule: format");
  }

  @Test
  void printsDurationsShort() {
    assertThat(Durations.text(Duration.ofMinutes(90))).isEqualTo("1h30m");
    assertThat(Durations.text(Duration.ofSeconds(45))).isEqualTo("45s");
    assertThat(Durations.text(Duration.ofMillis(250))).isEqualTo("250ms");
  }
}
