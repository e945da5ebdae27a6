package io.faultline.scheduler.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ScheduleTest {
  private static final Duration THRESHOLD = Duration.ofMinutes(1);

  static Schedule cron(String cron, String zone, MissedFirePolicy policy) {
    return new Schedule(
        "acme", "s1", "e1", cron, zone, null, true, null, null, policy, 0, null, null, null, null,
        null, null, null);
  }

  static Schedule at(Instant at) {
    return new Schedule(
        "acme", "s1", "e1", null, null, at, true, null, null, null, 0, null, null, null, null, null,
        null, null);
  }

  @Test
  void computesFireTimesInTheSchedulesTimeZoneAcrossDaylightSaving() {
    Schedule nineInBerlin = cron("0 0 9 * * *", "Europe/Berlin", null);
    assertThat(nineInBerlin.firstFireAt(Instant.parse("2030-01-07T00:00:00Z")))
        .isEqualTo(Instant.parse("2030-01-07T08:00:00Z"));
    // Summer time started on 2030-03-31: nine o'clock in Berlin is now 07:00 UTC.
    assertThat(nineInBerlin.firstFireAt(Instant.parse("2030-03-31T00:00:00Z")))
        .isEqualTo(Instant.parse("2030-03-31T07:00:00Z"));
    assertThat(
            cron("0 0 9 * * *", "America/New_York", null)
                .firstFireAt(Instant.parse("2030-01-07T00:00:00Z")))
        .isEqualTo(Instant.parse("2030-01-07T14:00:00Z"));
  }

  @Test
  void acceptsFiveFieldUnixCronAndRefusesNonsense() {
    assertThat(
            cron("30 9 * * MON-FRI", "UTC", null)
                .firstFireAt(Instant.parse("2030-01-05T00:00:00Z")))
        .isEqualTo(Instant.parse("2030-01-07T09:30:00Z"));
    assertThatThrownBy(() -> Schedule.parseCron("61 * * * *"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void firesOnTimeAndMovesToTheNextSlot() {
    Schedule s =
        cron("0 */5 * * * *", "UTC", null).withNextFireAt(Instant.parse("2030-01-07T08:05:00Z"));
    Schedule.Tick early = s.tick(Instant.parse("2030-01-07T08:04:59Z"), THRESHOLD);
    assertThat(early.fireTime()).isEmpty();
    assertThat(early.schedule()).isEqualTo(s);

    Schedule.Tick due = s.tick(Instant.parse("2030-01-07T08:05:00.300Z"), THRESHOLD);
    assertThat(due.fireTime()).contains(Instant.parse("2030-01-07T08:05:00Z"));
    assertThat(due.schedule().nextFireAt()).isEqualTo(Instant.parse("2030-01-07T08:10:00Z"));
    assertThat(due.schedule().firedRuns()).isEqualTo(1);
  }

  @Test
  void firesOnceForTheLatestMissedSlotWithFireOnce() {
    Schedule s =
        cron("0 */5 * * * *", "UTC", MissedFirePolicy.FIRE_ONCE)
            .withNextFireAt(Instant.parse("2030-01-07T08:05:00Z"));
    Schedule.Tick late = s.tick(Instant.parse("2030-01-07T10:02:30Z"), THRESHOLD);
    assertThat(late.fireTime()).contains(Instant.parse("2030-01-07T10:00:00Z"));
    assertThat(late.schedule().nextFireAt()).isEqualTo(Instant.parse("2030-01-07T10:05:00Z"));
    assertThat(late.schedule().firedRuns()).isEqualTo(1);
  }

  @Test
  void dropsMissedSlotsWithSkip() {
    Schedule s =
        cron("0 */5 * * * *", "UTC", MissedFirePolicy.SKIP)
            .withNextFireAt(Instant.parse("2030-01-07T08:05:00Z"));
    Schedule.Tick late = s.tick(Instant.parse("2030-01-07T10:02:30Z"), THRESHOLD);
    assertThat(late.fireTime()).isEmpty();
    assertThat(late.schedule().nextFireAt()).isEqualTo(Instant.parse("2030-01-07T10:05:00Z"));
    assertThat(late.schedule().firedRuns()).isZero();
  }

  @Test
  void oneOffFiresOnceThenIsExhausted() {
    Instant when = Instant.parse("2030-01-07T12:00:00Z");
    Schedule s = at(when);
    s = s.withNextFireAt(s.firstFireAt(Instant.parse("2030-01-07T08:00:00Z")));
    assertThat(s.nextFireAt()).isEqualTo(when);
    Schedule.Tick tick = s.tick(when.plusMillis(100), THRESHOLD);
    assertThat(tick.fireTime()).contains(when);
    assertThat(tick.schedule().nextFireAt()).isNull();
    assertThat(tick.schedule().tick(when.plusSeconds(3600), THRESHOLD).fireTime()).isEmpty();
  }

  @Test
  void stopsAtItsEndDateAndAfterMaxRuns() {
    Schedule bounded =
        new Schedule(
            "acme",
            "s1",
            "e1",
            "0 0 * * * *",
            "UTC",
            null,
            true,
            Instant.parse("2030-01-07T10:30:00Z"),
            5,
            null,
            0,
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    Schedule s = bounded.withNextFireAt(Instant.parse("2030-01-07T10:00:00Z"));
    Schedule.Tick last = s.tick(Instant.parse("2030-01-07T10:00:00Z"), THRESHOLD);
    assertThat(last.fireTime()).isPresent();
    assertThat(last.schedule().nextFireAt()).isNull();

    Schedule twice =
        new Schedule(
            "acme",
            "s1",
            "e1",
            "0 0 * * * *",
            "UTC",
            null,
            true,
            null,
            2,
            null,
            1,
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    Schedule.Tick second =
        twice
            .withNextFireAt(Instant.parse("2030-01-07T10:00:00Z"))
            .tick(Instant.parse("2030-01-07T10:00:00Z"), THRESHOLD);
    assertThat(second.fireTime()).isPresent();
    assertThat(second.schedule().firedRuns()).isEqualTo(2);
    assertThat(second.schedule().nextFireAt()).isNull();
  }

  @Test
  void aDisabledScheduleNeverFiresAndReEnablingDoesNotMakeUpMissedFires() {
    Schedule s =
        cron("0 */5 * * * *", "UTC", MissedFirePolicy.FIRE_ONCE)
            .withEnabled(false, Instant.parse("2030-01-07T08:00:00Z"), "user:x", "c1");
    assertThat(s.nextFireAt()).isNull();
    assertThat(s.tick(Instant.parse("2030-01-07T09:00:00Z"), THRESHOLD).fireTime()).isEmpty();
    Schedule enabled = s.withEnabled(true, Instant.parse("2030-01-07T09:01:00Z"), "user:x", "c2");
    assertThat(enabled.nextFireAt()).isEqualTo(Instant.parse("2030-01-07T09:05:00Z"));
  }

  @Test
  void findsTheShortestGapAmongTheNextFiresOfACronExpression() {
    Instant from = Instant.parse("2030-01-07T08:02:30Z");
    assertThat(Schedule.shortestGap("* * * * *", "UTC", from, 100).orElseThrow())
        .isEqualTo(
            new Schedule.FireGap(
                Instant.parse("2030-01-07T08:03:00Z"), Instant.parse("2030-01-07T08:04:00Z")));
    assertThat(Schedule.shortestGap("*/5 * * * *", "UTC", from, 100).orElseThrow().length())
        .isEqualTo(Duration.ofMinutes(5));
    // Irregular: one minute, then 59 minutes apart; the first two fires are 59 minutes apart.
    Schedule.FireGap irregular =
        Schedule.shortestGap("0,1 * * * *", "UTC", from, 100).orElseThrow();
    assertThat(irregular.length()).isEqualTo(Duration.ofMinutes(1));
    assertThat(irregular.first()).isEqualTo(Instant.parse("2030-01-07T09:00:00Z"));
    // 23:00, 23:59, then 00:00 the next day.
    assertThat(Schedule.shortestGap("0 0,59 0,23 * * *", "UTC", from, 100).orElseThrow().length())
        .isEqualTo(Duration.ofMinutes(1));
    assertThat(Schedule.shortestGap("0 0 9 * * MON-FRI", "Europe/Berlin", from, 100).orElseThrow())
        .extracting(Schedule.FireGap::length)
        .isEqualTo(Duration.ofDays(1));
    // Fires once at most (30 February never comes): no gap.
    assertThat(Schedule.shortestGap("0 0 0 30 2 *", "UTC", from, 100)).isEmpty();
  }
}
