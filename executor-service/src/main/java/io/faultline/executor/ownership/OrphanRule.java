package io.faultline.executor.ownership;

import io.faultline.executor.lifecycle.JournalEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether a fault journaled in a partition this executor owns, and driven elsewhere, is left
 * without an owner. Pure: the heartbeat view's facts in, a verdict out.
 */
final class OrphanRule {
  private OrphanRule() {}

  /** What to do about one journaled fault. */
  enum Verdict {
    /** Its owner still names it (or has not had the time to): leave it. */
    WAIT,
    /** Its owner beats without naming it: read the journal again (handed over, or finished). */
    CHECK_JOURNAL,
    /** Handed over, or no heartbeat named it for the grace: take it over. */
    TAKE_OVER
  }

  /**
   * @param entry the fault's latest journal entry read
   * @param writtenAt when that entry was appended to the journal (the heartbeats' clock): its
   *     writer was alive then, whenever this executor came to read it — so a partition that moves
   *     late does not delay a takeover past the fault's lease
   * @param named the latest beat naming the fault, if any
   * @param ownerBeatsSince how many beats of the entry's writer were appended after the later of
   *     {@code writtenAt} and {@code named}
   * @param clock the heartbeat clock now
   */
  static Verdict judge(
      JournalEntry entry,
      Instant writtenAt,
      Optional<HeartbeatView.Named> named,
      int ownerBeatsSince,
      Instant clock,
      Duration grace) {
    if (entry.phase() == JournalEntry.Phase.TERMINAL) {
      return Verdict.WAIT;
    }
    if (entry.handedOver()) {
      return Verdict.TAKE_OVER;
    }
    if (clock.isAfter(lastAlive(entry, writtenAt, named).plus(grace))) {
      return Verdict.TAKE_OVER;
    }
    // A beat of its writer since that did not name it: handed over, ended, or (rarely) a beat built
    // just before the fault began. The journal says which.
    return ownerBeatsSince >= 1 ? Verdict.CHECK_JOURNAL : Verdict.WAIT;
  }

  /** The later of the entry's append time and the last beat naming it at its epoch or later. */
  static Instant lastAlive(
      JournalEntry entry, Instant writtenAt, Optional<HeartbeatView.Named> named) {
    return named
        .filter(n -> n.epoch() >= entry.epoch() && n.at().isAfter(writtenAt))
        .map(HeartbeatView.Named::at)
        .orElse(writtenAt);
  }
}
