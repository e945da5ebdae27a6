package io.faultline.policy.rules;

import io.faultline.events.policy.TimeWindow;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.Map;
import org.springframework.scheduling.support.CronExpression;

/** Whether an instant falls into a weekly or cron-style window, in the policy's time zone. */
final class TimeWindows {
  private TimeWindows() {}

  private static final Map<String, DayOfWeek> DAYS =
      Map.of(
          "MON", DayOfWeek.MONDAY,
          "TUE", DayOfWeek.TUESDAY,
          "WED", DayOfWeek.WEDNESDAY,
          "THU", DayOfWeek.THURSDAY,
          "FRI", DayOfWeek.FRIDAY,
          "SAT", DayOfWeek.SATURDAY,
          "SUN", DayOfWeek.SUNDAY);

  /**
   * True when {@code now} is inside the window. A window that cannot be read (a cron expression
   * Spring refuses) answers {@code whenUnreadable}, so callers choose the safe side: an unreadable
   * allowed window allows nothing, an unreadable blackout blocks everything.
   */
  static boolean contains(TimeWindow window, ZonedDateTime now, boolean whenUnreadable) {
    try {
      return window.usesCron() ? containsCron(window, now) : containsWeekly(window, now);
    } catch (IllegalArgumentException | java.time.DateTimeException e) {
      return whenUnreadable;
    }
  }

  private static boolean containsWeekly(TimeWindow window, ZonedDateTime now) {
    LocalTime start = LocalTime.parse(window.start());
    LocalTime end = LocalTime.parse(window.end());
    LocalTime time = now.toLocalTime();
    boolean today = window.days().stream().map(DAYS::get).anyMatch(now.getDayOfWeek()::equals);
    if (start.isBefore(end)) {
      return today && !time.isBefore(start) && time.isBefore(end);
    }
    // The window runs past midnight: it belongs to the day it started on.
    boolean yesterday =
        window.days().stream().map(DAYS::get).anyMatch(now.getDayOfWeek().minus(1)::equals);
    return (today && !time.isBefore(start)) || (yesterday && time.isBefore(end));
  }

  private static boolean containsCron(TimeWindow window, ZonedDateTime now) {
    // Policies use five-field cron; Spring's CronExpression wants seconds first.
    CronExpression cron = CronExpression.parse("0 " + window.cron());
    Duration length =
        Duration.ofMinutes(window.durationMinutes() == null ? 0 : window.durationMinutes());
    ZonedDateTime lastStart = cron.next(now.minus(length));
    return lastStart != null && !lastStart.isAfter(now) && lastStart.plus(length).isAfter(now);
  }
}
