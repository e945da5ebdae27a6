package io.faultline.executor.ownership;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.executor.lifecycle.JournalEntry;
import io.faultline.executor.lifecycle.JournalEntry.Phase;
import io.faultline.executor.ownership.OrphanRule.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OrphanRuleTest {
  private static final Instant SEEN = Instant.parse("2026-12-05T10:00:00Z");
  private static final Duration GRACE = Duration.ofSeconds(15);

  private static JournalEntry entry(Phase phase, long epoch, boolean handedOver) {
    return new JournalEntry(
        "f-1",
        "tenant-a",
        phase,
        4,
        3,
        42,
        null,
        List.of(),
        List.of(),
        null,
        "ex-a",
        SEEN,
        epoch,
        null,
        handedOver,
        null);
  }

  private static Optional<HeartbeatView.Named> named(long epoch, Instant at) {
    return Optional.of(new HeartbeatView.Named("ex-a", epoch, at));
  }

  @Test
  void aFaultItsOwnerKeepsNamingIsLeftAlone() {
    Verdict verdict =
        OrphanRule.judge(
            entry(Phase.HOLDING, 0, false),
            SEEN,
            named(0, SEEN.plusSeconds(60)),
            0,
            SEEN.plusSeconds(70),
            GRACE);
    assertThat(verdict).isEqualTo(Verdict.WAIT);
  }

  @Test
  void aFaultNoHeartbeatNamedForTheGraceIsTakenOver() {
    JournalEntry holding = entry(Phase.HOLDING, 0, false);
    assertThat(OrphanRule.judge(holding, SEEN, named(0, SEEN), 0, SEEN.plusSeconds(15), GRACE))
        .isEqualTo(Verdict.WAIT);
    assertThat(
            OrphanRule.judge(
                holding, SEEN, named(0, SEEN), 0, SEEN.plusSeconds(15).plusMillis(1), GRACE))
        .isEqualTo(Verdict.TAKE_OVER);
  }

  @Test
  void theGraceCountsFromWhenTheEntryWasSeenWhenNoBeatNamedItSince() {
    // A partition just assigned: its faults get the grace to be named by their owners.
    JournalEntry holding = entry(Phase.HOLDING, 0, false);
    assertThat(OrphanRule.judge(holding, SEEN, Optional.empty(), 0, SEEN.plusSeconds(10), GRACE))
        .isEqualTo(Verdict.WAIT);
  }

  @Test
  void aBeatOfALowerEpochDoesNotKeepATakenOverFaultAlive() {
    JournalEntry claimed = entry(Phase.HOLDING, 2, false);
    assertThat(
            OrphanRule.judge(
                claimed, SEEN, named(1, SEEN.plusSeconds(20)), 0, SEEN.plusSeconds(25), GRACE))
        .isEqualTo(Verdict.TAKE_OVER);
  }

  @Test
  void aHandedOverFaultIsTakenOverAtOnce() {
    assertThat(
            OrphanRule.judge(
                entry(Phase.HOLDING, 0, true), SEEN, named(0, SEEN), 0, SEEN.plusSeconds(1), GRACE))
        .isEqualTo(Verdict.TAKE_OVER);
  }

  @Test
  void aBeatOfItsOwnerThatNoLongerNamesItSendsTheWatchBackToTheJournal() {
    assertThat(
            OrphanRule.judge(
                entry(Phase.ROLLING_BACK, 0, false),
                SEEN,
                named(0, SEEN.plusSeconds(2)),
                1,
                SEEN.plusSeconds(3),
                GRACE))
        .isEqualTo(Verdict.CHECK_JOURNAL);
  }

  @Test
  void aTerminalFaultIsNeverTakenOver() {
    assertThat(
            OrphanRule.judge(
                entry(Phase.TERMINAL, 0, true),
                SEEN,
                Optional.empty(),
                3,
                SEEN.plusSeconds(600),
                GRACE))
        .isEqualTo(Verdict.WAIT);
  }
}
