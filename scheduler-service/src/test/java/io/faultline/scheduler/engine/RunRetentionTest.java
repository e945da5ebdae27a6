package io.faultline.scheduler.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which runs the engine deletes: plain JUnit over {@link RunRetention#expired}. */
class RunRetentionTest {
  private static final Instant NOW = Instant.parse("2030-03-01T12:00:00Z");
  private static final Duration RETENTION = Duration.ofDays(30);

  private static RunRetention.Entry ended(String tenant, String run, String status, Instant at) {
    return new RunRetention.Entry(tenant, run, status, at.minus(Duration.ofMinutes(5)), at);
  }

  private static RunRetention.Entry running(String tenant, String run, Instant startedAt) {
    return new RunRetention.Entry(tenant, run, "RUNNING", startedAt, null);
  }

  private static List<String> expired(List<RunRetention.Entry> runs, int keep, int atMost) {
    return RunRetention.expired(runs, NOW, RETENTION, keep, atMost).stream()
        .map(RunRetention.Entry::key)
        .toList();
  }

  @Test
  void deletesEndedRunsOlderThanTheRetentionAndNeverARunningOne() {
    Instant cutoff = NOW.minus(RETENTION);
    List<RunRetention.Entry> runs =
        List.of(
            ended("acme", "completed-old", "COMPLETED", cutoff.minusSeconds(1)),
            ended("acme", "failed-old", "FAILED", cutoff.minus(Duration.ofDays(3))),
            ended("acme", "aborted-old", "ABORTED", cutoff.minus(Duration.ofDays(2))),
            ended("acme", "at-the-cutoff", "COMPLETED", cutoff),
            ended("acme", "recent", "COMPLETED", NOW.minus(Duration.ofDays(1))),
            running("acme", "running-for-ages", cutoff.minus(Duration.ofDays(90))),
            ended("acme", "newer-status", "PAUSED", cutoff.minus(Duration.ofDays(90))));

    assertThat(expired(runs, 1000, 500))
        .containsExactly("acme/failed-old", "acme/aborted-old", "acme/completed-old");
  }

  @Test
  void keepsTheNewestEndedRunsOfEachTenantAndDeletesTheOlderOnes() {
    List<RunRetention.Entry> runs = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      runs.add(ended("acme", "a" + i, "COMPLETED", NOW.minus(Duration.ofHours(i))));
      runs.add(ended("other", "o" + i, "FAILED", NOW.minus(Duration.ofHours(i))));
    }
    // Running runs neither count towards the tenant's ended runs nor go.
    runs.add(running("acme", "still-running", NOW.minus(Duration.ofDays(1))));

    assertThat(expired(runs, 3, 500))
        .containsExactlyInAnyOrder("acme/a4", "acme/a5", "other/o4", "other/o5");
  }

  @Test
  void deletesAtMostTheGivenNumberPerSweepOldestFirst() {
    List<RunRetention.Entry> runs = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      runs.add(ended("acme", "r" + i, "COMPLETED", NOW.minus(Duration.ofDays(30 + i))));
    }
    assertThat(expired(runs, 1000, 3)).containsExactly("acme/r10", "acme/r9", "acme/r8");
  }

  @Test
  void countsARunStoredWithoutAnEndTimeFromItsStart() {
    RunRetention.Entry noEnd =
        new RunRetention.Entry("acme", "legacy", "COMPLETED", NOW.minus(Duration.ofDays(31)), null);
    assertThat(expired(List.of(noEnd), 1000, 500)).containsExactly("acme/legacy");
  }
}
