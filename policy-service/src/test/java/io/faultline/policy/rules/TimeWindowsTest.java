package io.faultline.policy.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.events.policy.TimeWindow;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimeWindowsTest {
  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  static ZonedDateTime at(String local) {
    return java.time.LocalDateTime.parse(local).atZone(BERLIN);
  }

  @Test
  void weeklyWindowIncludesItsStartAndExcludesItsEnd() {
    TimeWindow window = new TimeWindow(List.of("WED"), "09:00", "17:00", null, null);
    assertThat(TimeWindows.contains(window, at("2026-11-18T09:00"), false)).isTrue();
    assertThat(TimeWindows.contains(window, at("2026-11-18T16:59"), false)).isTrue();
    assertThat(TimeWindows.contains(window, at("2026-11-18T17:00"), false)).isFalse();
    assertThat(TimeWindows.contains(window, at("2026-11-19T10:00"), false)).isFalse();
  }

  @Test
  void weeklyWindowEndingBeforeItStartsRunsPastMidnightIntoTheNextDay() {
    TimeWindow night = new TimeWindow(List.of("FRI"), "22:00", "02:00", null, null);
    assertThat(TimeWindows.contains(night, at("2026-11-20T23:30"), false)).isTrue();
    assertThat(TimeWindows.contains(night, at("2026-11-21T01:59"), false)).isTrue();
    assertThat(TimeWindows.contains(night, at("2026-11-21T02:00"), false)).isFalse();
    assertThat(TimeWindows.contains(night, at("2026-11-20T01:00"), false)).isFalse();
  }

  @Test
  void cronWindowLastsItsDurationFromEachOccurrence() {
    TimeWindow christmas = new TimeWindow(null, null, null, "0 0 24 12 *", 1440);
    assertThat(TimeWindows.contains(christmas, at("2026-12-24T00:00"), false)).isTrue();
    assertThat(TimeWindows.contains(christmas, at("2026-12-24T23:59"), false)).isTrue();
    assertThat(TimeWindows.contains(christmas, at("2026-12-25T00:00"), false)).isFalse();
    assertThat(TimeWindows.contains(christmas, at("2026-12-23T23:59"), false)).isFalse();
  }

  @Test
  void anUnreadableCronAnswersTheSafeSideTheCallerChose() {
    TimeWindow broken = new TimeWindow(null, null, null, "99 99 * * *", 60);
    assertThat(TimeWindows.contains(broken, at("2026-12-24T00:00"), false)).isFalse();
    assertThat(TimeWindows.contains(broken, at("2026-12-24T00:00"), true)).isTrue();
  }
}
