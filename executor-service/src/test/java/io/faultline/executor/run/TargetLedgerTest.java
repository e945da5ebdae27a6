package io.faultline.executor.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.faultline.events.lifecycle.TargetOutcome;
import io.faultline.events.lifecycle.TargetStatus;
import io.faultline.executor.fault.Target;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetLedgerTest {
  private static final Target A = instance("i-a");
  private static final Target B = instance("i-b");
  private static final Target C = instance("i-c");

  private static Target instance(String id) {
    return new Target(id, Target.EC2_INSTANCE, Map.of(), "");
  }

  private static TargetOutcome outcome(Target target, TargetStatus status, String detail) {
    return new TargetOutcome(target.id(), target.kind(), status, null, detail);
  }

  private static final TargetOutcome CLUSTER =
      new TargetOutcome("web", Target.ECS_CLUSTER, TargetStatus.RESOLVED, null, null);
  private static final List<TargetOutcome> RESOLUTION =
      List.of(
          CLUSTER,
          outcome(A, TargetStatus.RESOLVED, null),
          outcome(B, TargetStatus.RESOLVED, null),
          outcome(C, TargetStatus.EXCLUDED_PROTECTED, "protected"));

  @Test
  void reportsTargetsLeftOutBeforeTargetsActedOn() {
    TargetLedger ledger = new TargetLedger();
    ledger.resolved(RESOLUTION);
    ledger.skip(B, "SSM agent offline");
    ledger.actOn(List.of(A), RESOLUTION);

    assertThat(ledger.list()).containsExactly(A);
    assertThat(ledger.outcomes())
        .containsExactly(
            CLUSTER,
            outcome(C, TargetStatus.EXCLUDED_PROTECTED, "protected"),
            outcome(B, TargetStatus.SKIPPED, "SSM agent offline"),
            outcome(A, TargetStatus.RESOLVED, null));
  }

  @Test
  void aTargetExcludedBeforeItsInjectLeavesTheTargetsAndIsReportedProtected() {
    TargetLedger ledger = new TargetLedger();
    ledger.resolved(RESOLUTION);
    ledger.actOn(List.of(A, B), RESOLUTION);
    ledger.record(A, TargetStatus.INJECTED, "cmd-1", null);

    ledger.excludeProtected(B, "became protected after approval: instance id is protected");

    assertThat(ledger.list()).containsExactly(A);
    assertThat(ledger.actsOn(B)).isFalse();
    assertThat(ledger.actsOn(A)).isTrue();
    assertThat(ledger.notRolledBack()).containsExactly("i-a");
    assertThat(ledger.outcomes())
        .containsExactly(
            CLUSTER,
            outcome(C, TargetStatus.EXCLUDED_PROTECTED, "protected"),
            outcome(
                B,
                TargetStatus.EXCLUDED_PROTECTED,
                "became protected after approval: instance id is protected"),
            new TargetOutcome(A.id(), A.kind(), TargetStatus.INJECTED, "cmd-1", null));
  }

  @Test
  void reportsEveryResolvedTargetWhenFailingClosed() {
    TargetLedger ledger = new TargetLedger();
    ledger.resolved(RESOLUTION);
    ledger.reportAll(RESOLUTION);

    assertThat(ledger.outcomes()).isEqualTo(RESOLUTION);
    assertThat(ledger.list()).isEmpty();
  }

  @Test
  void keepsEachTargetInPlaceAsItsStatusMoves() {
    TargetLedger ledger = new TargetLedger();
    ledger.actOn(List.of(A, B), RESOLUTION);
    ledger.record(B, TargetStatus.INJECTED, "cmd-1", null);
    ledger.record(A, TargetStatus.INJECTED, "cmd-1", null);
    ledger.record(A, TargetStatus.ROLLED_BACK, "cmd-2", null);

    assertThat(ledger.outcomes())
        .extracting(TargetOutcome::targetId, TargetOutcome::status)
        .containsExactly(
            tuple("i-a", TargetStatus.ROLLED_BACK), tuple("i-b", TargetStatus.INJECTED));
    assertThat(ledger.commandOf(A)).isEqualTo("cmd-2");
  }

  @Test
  void countsATargetWithoutAConfirmedRollbackAsNotRolledBack() {
    TargetLedger ledger = new TargetLedger();
    ledger.actOn(List.of(A, B, C), List.of());
    ledger.record(A, TargetStatus.ROLLED_BACK, "cmd-2", null);
    ledger.record(B, TargetStatus.ROLLBACK_FAILED, "cmd-2", "exit 1");

    assertThat(ledger.notRolledBack()).containsExactly("i-b", "i-c");
  }

  @Test
  void rollsBackEveryJournaledTargetAfterATakeover() {
    TargetLedger ledger = TargetLedger.journaled(List.of(A, B), List.of("cmd-1"));

    assertThat(ledger.list()).containsExactly(A, B);
    assertThat(ledger.commandIds()).containsExactly("cmd-1");
    assertThat(ledger.notRolledBack()).containsExactly("i-a", "i-b");
    assertThat(ledger.outcomes()).isEmpty();
  }

  @Test
  void listsEachCommandOnce() {
    TargetLedger ledger = new TargetLedger();
    ledger.sent("cmd-1");
    ledger.sent("cmd-2");
    ledger.sent("cmd-1");

    assertThat(ledger.commandIds()).containsExactly("cmd-1", "cmd-2");
  }

  @Test
  void reportsATargetsNotesBeforeTheDetailOfItsLatestOutcome() {
    TargetLedger ledger = new TargetLedger();
    ledger.actOn(List.of(A, B), RESOLUTION);
    ledger.record(A, TargetStatus.INJECT_FAILED, "cmd-1", "no result within 600 s");
    ledger.note(A, "inject given up after 600 s, CancelCommand accepted");

    assertThat(ledger.outcomes())
        .extracting(TargetOutcome::targetId, TargetOutcome::status, TargetOutcome::detail)
        .containsExactly(
            tuple(
                "i-a",
                TargetStatus.INJECT_FAILED,
                "inject given up after 600 s, CancelCommand accepted; no result within 600 s"),
            tuple("i-b", TargetStatus.RESOLVED, null));

    ledger.note(A, "inject succeeded late; rollback sent again");
    ledger.record(A, TargetStatus.ROLLED_BACK, "cmd-3", "action=rollback outcome=ok");
    ledger.record(B, TargetStatus.ROLLED_BACK, "cmd-2", null);

    assertThat(ledger.outcomes())
        .extracting(TargetOutcome::targetId, TargetOutcome::detail)
        .containsExactly(
            tuple(
                "i-a",
                "inject given up after 600 s, CancelCommand accepted; "
                    + "inject succeeded late; rollback sent again; action=rollback outcome=ok"),
            tuple("i-b", null));
  }

  @Test
  void keepsTheReportedDetailWithinTheEventsLimit() {
    TargetLedger ledger = new TargetLedger();
    ledger.actOn(List.of(A), RESOLUTION);
    ledger.note(A, "n".repeat(LifecycleWriter.MAX_DETAIL));
    ledger.record(A, TargetStatus.ROLLED_BACK, "cmd-1", "action=rollback outcome=ok");

    assertThat(ledger.outcomes().getFirst().detail()).hasSize(LifecycleWriter.MAX_DETAIL);
  }

  @Test
  void remembersGivenUpInjectsUntilSettled() {
    TargetLedger ledger = new TargetLedger();
    ledger.actOn(List.of(A, B), RESOLUTION);
    Instant bound = Instant.parse("2026-11-21T10:10:00Z");
    ledger.gaveUp(A, "cmd-1", bound);
    ledger.gaveUp(B, "cmd-1", bound);

    ledger.settled(A);

    assertThat(ledger.givenUp()).containsExactly(new TargetLedger.GivenUp(B, "cmd-1", bound));
  }

  @Test
  void aSerialRunRollsBackOnlyTheTargetsItReachedAndHasNotRolledBack() {
    TargetLedger ledger = new TargetLedger();
    ledger.actOn(List.of(A, B, C), RESOLUTION);
    // A done; B injected and held; C never reached.
    ledger.record(A, TargetStatus.INJECTED, "cmd-1", null);
    ledger.record(A, TargetStatus.VERIFIED, "cmd-2", null);
    ledger.record(B, TargetStatus.INJECTED, "cmd-3", null);

    assertThat(ledger.reached()).containsExactly("i-a", "i-b");
    assertThat(ledger.reachedAndNotRolledBack()).containsExactly(B);
  }

  @Test
  void countsATargetWhoseInjectWasGivenUpBeforeAnyResultAsReached() {
    TargetLedger ledger = new TargetLedger();
    ledger.actOn(List.of(A, B), RESOLUTION);
    ledger.gaveUp(A, "cmd-1", Instant.parse("2026-11-21T10:10:00Z"));

    assertThat(ledger.reached()).containsExactly("i-a");
    assertThat(ledger.reachedAndNotRolledBack()).containsExactly(A);
  }
}
