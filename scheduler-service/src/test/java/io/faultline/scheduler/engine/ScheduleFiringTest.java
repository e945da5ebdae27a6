package io.faultline.scheduler.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.scheduler.state.MissedFirePolicy;
import io.faultline.scheduler.state.Schedule;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ScheduleFiringTest {
  private static final Duration THRESHOLD = Duration.ofMinutes(1);
  private static final Instant DUE = Instant.parse("2030-01-07T08:05:00Z");

  /** Every five minutes, next due at 08:05. */
  private static Schedule everyFiveMinutes(MissedFirePolicy policy) {
    return new Schedule(
            "acme",
            "s1",
            "e1",
            "0 */5 * * * *",
            "UTC",
            null,
            true,
            null,
            null,
            policy,
            0,
            null,
            null,
            null,
            null,
            null,
            null,
            "c2")
        .withNextFireAt(DUE);
  }

  @Test
  void aScheduleIsDueFromItsNextFireTimeOnwardWhileEnabled() {
    Schedule s = everyFiveMinutes(MissedFirePolicy.FIRE_ONCE);

    assertThat(ScheduleFiring.isDue(s, DUE.minusMillis(1))).isFalse();
    assertThat(ScheduleFiring.isDue(s, DUE)).isTrue();
    assertThat(ScheduleFiring.isDue(s, DUE.plusSeconds(3600))).isTrue();
    assertThat(ScheduleFiring.isDue(s.withEnabled(false, DUE, "user:x", "c3"), DUE)).isFalse();
    assertThat(ScheduleFiring.isDue(s.withNextFireAt(null), DUE)).isFalse();
  }

  @Test
  void firesOnTimeWithARunIdFromTheScheduleAndFireTime() {
    ScheduleFiring.Fire fire =
        ScheduleFiring.fire(
            everyFiveMinutes(MissedFirePolicy.FIRE_ONCE), DUE.plusMillis(300), THRESHOLD);

    assertThat(fire.startsRun()).isTrue();
    assertThat(fire.fireTime()).isEqualTo(DUE);
    assertThat(fire.runId()).isEqualTo("sch-s1-" + DUE.getEpochSecond());
    assertThat(fire.runId()).isEqualTo(EngineProcessor.scheduledRunId("s1", DUE));
    assertThat(fire.schedule().nextFireAt()).isEqualTo(Instant.parse("2030-01-07T08:10:00Z"));
    assertThat(fire.schedule().firedRuns()).isEqualTo(1);
  }

  @Test
  void aFireLaterThanDueButWithinTheMisfireThresholdStillFiresItsOwnSlot() {
    ScheduleFiring.Fire fire =
        ScheduleFiring.fire(
            everyFiveMinutes(MissedFirePolicy.SKIP), DUE.plusSeconds(59), THRESHOLD);

    assertThat(fire.fireTime()).isEqualTo(DUE);
  }

  @Test
  void aMissedFireWithFireOnceStartsOneRunForTheLatestMissedSlot() {
    Instant now = Instant.parse("2030-01-07T10:02:30Z");

    ScheduleFiring.Fire fire =
        ScheduleFiring.fire(everyFiveMinutes(MissedFirePolicy.FIRE_ONCE), now, THRESHOLD);

    assertThat(fire.fireTime()).isEqualTo(Instant.parse("2030-01-07T10:00:00Z"));
    assertThat(fire.runId())
        .isEqualTo("sch-s1-" + Instant.parse("2030-01-07T10:00:00Z").getEpochSecond());
    assertThat(fire.schedule().nextFireAt()).isEqualTo(Instant.parse("2030-01-07T10:05:00Z"));
    assertThat(fire.schedule().firedRuns()).isEqualTo(1);
  }

  @Test
  void aMissedFireWithSkipStartsNoRunAndMovesToTheNextSlot() {
    Instant now = Instant.parse("2030-01-07T10:02:30Z");

    ScheduleFiring.Fire fire =
        ScheduleFiring.fire(everyFiveMinutes(MissedFirePolicy.SKIP), now, THRESHOLD);

    assertThat(fire.startsRun()).isFalse();
    assertThat(fire.schedule().nextFireAt()).isEqualTo(Instant.parse("2030-01-07T10:05:00Z"));
    assertThat(fire.schedule().firedRuns()).isZero();
  }

  @Test
  void theSameFireTimeAlwaysYieldsTheSameRunSoARefireIsADuplicate() {
    Schedule s = everyFiveMinutes(MissedFirePolicy.FIRE_ONCE);

    assertThat(ScheduleFiring.fire(s, DUE.plusMillis(100), THRESHOLD).runId())
        .isEqualTo(ScheduleFiring.fire(s, DUE.plusSeconds(30), THRESHOLD).runId());
  }

  @Test
  void aStartedRunIsRecordedOnTheSchedule() {
    ScheduleFiring.Fire fire =
        ScheduleFiring.fire(everyFiveMinutes(MissedFirePolicy.FIRE_ONCE), DUE, THRESHOLD);

    Schedule started = fire.started();

    assertThat(started.lastRunId()).isEqualTo(fire.runId());
    assertThat(started.lastError()).isNull();
    assertThat(started.lastFireAt()).isEqualTo(DUE);
    assertThat(started.nextFireAt()).isEqualTo(Instant.parse("2030-01-07T08:10:00Z"));
  }

  @Test
  void aFireWhoseExperimentIsGoneRecordsTheErrorAndKeepsTheNextFireTime() {
    ScheduleFiring.Fire fire =
        ScheduleFiring.fire(everyFiveMinutes(MissedFirePolicy.FIRE_ONCE), DUE, THRESHOLD);

    Schedule missing = fire.experimentMissing();

    assertThat(missing.lastError()).isEqualTo("experiment e1 does not exist");
    assertThat(missing.lastRunId()).isNull();
    assertThat(missing.nextFireAt()).isEqualTo(Instant.parse("2030-01-07T08:10:00Z"));
  }

  @Test
  void aRunThatCouldNotStartIsRecordedWithItsCause() {
    ScheduleFiring.Fire fire =
        ScheduleFiring.fire(everyFiveMinutes(MissedFirePolicy.FIRE_ONCE), DUE, THRESHOLD);

    Schedule failed = fire.couldNotStart(new IllegalArgumentException("PROCESS_IDS is refused"));

    assertThat(failed.lastError())
        .isEqualTo("run " + fire.runId() + " could not start: PROCESS_IDS is refused");
    assertThat(failed.lastRunId()).isNull();
  }

  @Test
  void aOneOffScheduleFiresOnceAndIsThenExhausted() {
    Schedule once =
        new Schedule(
            "acme", "s9", "e1", null, null, DUE, true, null, null, null, 0, null, null, null, null,
            null, null, "c2");
    once = once.withNextFireAt(once.firstFireAt(DUE.minusSeconds(3600)));

    ScheduleFiring.Fire fire = ScheduleFiring.fire(once, DUE, THRESHOLD);

    assertThat(fire.fireTime()).isEqualTo(DUE);
    assertThat(fire.schedule().nextFireAt()).isNull();
    assertThat(ScheduleFiring.isDue(fire.started(), DUE.plusSeconds(3600))).isFalse();
  }
}
