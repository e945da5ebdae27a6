package io.faultline.executor.run;

import static io.faultline.executor.run.LateInjects.Verdict.ENDED_BEFORE_ROLLBACK;
import static io.faultline.executor.run.LateInjects.Verdict.FAILED_ON_ITS_OWN;
import static io.faultline.executor.run.LateInjects.Verdict.ROLL_BACK_AGAIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.executor.fault.CommandTransport.Invocation.Status;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LateInjectsTest {
  private static final Instant BOUND = Instant.parse("2026-11-21T10:10:00Z");

  @Test
  void needsNothingMoreWhenTheInjectEndedBeforeTheRollbackWasSent() {
    for (Status end :
        new Status[] {Status.SUCCESS, Status.FAILED, Status.CANCELLED, Status.TIMED_OUT}) {
      assertThat(LateInjects.verdict(true, end)).as(end.name()).isEqualTo(ENDED_BEFORE_ROLLBACK);
    }
    assertThat(LateInjects.note(ENDED_BEFORE_ROLLBACK, Status.SUCCESS, BOUND))
        .isEqualTo("inject succeeded before the rollback was sent");
  }

  @Test
  void rollsBackAgainWhenTheInjectSucceededAfterTheRollbackWasSent() {
    assertThat(LateInjects.verdict(false, Status.SUCCESS)).isEqualTo(ROLL_BACK_AGAIN);
    assertThat(LateInjects.note(ROLL_BACK_AGAIN, Status.SUCCESS, BOUND))
        .isEqualTo("inject succeeded late; rollback sent again");
  }

  @Test
  void rollsBackAgainWhenTheInjectWasKilledAfterTheRollbackWasSent() {
    // A cancelled or timed-out script is killed; its trap may not run, it may have changed the
    // host.
    assertThat(LateInjects.verdict(false, Status.CANCELLED)).isEqualTo(ROLL_BACK_AGAIN);
    assertThat(LateInjects.verdict(false, Status.TIMED_OUT)).isEqualTo(ROLL_BACK_AGAIN);
    assertThat(LateInjects.note(ROLL_BACK_AGAIN, Status.CANCELLED, BOUND))
        .isEqualTo("inject was cancelled after the rollback was sent; rollback sent again");
  }

  @Test
  void rollsBackAgainWhenTheInjectsEndIsUnknownByItsBound() {
    assertThat(LateInjects.verdict(false, Status.PENDING)).isEqualTo(ROLL_BACK_AGAIN);
    assertThat(LateInjects.verdict(true, Status.PENDING)).isEqualTo(ROLL_BACK_AGAIN);
    assertThat(LateInjects.note(ROLL_BACK_AGAIN, Status.PENDING, BOUND))
        .isEqualTo("inject's end unknown by its bound 2026-11-21T10:10:00Z; rollback sent again");
  }

  @Test
  void leavesAnInjectThatFailedOnItsOwnToItsTrap() {
    assertThat(LateInjects.verdict(false, Status.FAILED)).isEqualTo(FAILED_ON_ITS_OWN);
    assertThat(LateInjects.note(FAILED_ON_ITS_OWN, Status.FAILED, BOUND))
        .startsWith("inject failed late");
  }
}
